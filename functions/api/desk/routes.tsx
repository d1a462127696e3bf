// The web desk at /desk/: press offices sign in with their key once, then write, schedule, correct and
// retract statements in server-rendered forms (no JavaScript needed), through the API's own services.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { AuthenticationError } from '../../../shared/errors.js';
import type { Platform } from '../../../shared/platform.js';
import { recordAction } from '../audit.js';
import { clientIp, type RateLimit, rateLimit } from '../rate-limit.js';
import { addComposeRoutes } from './compose-routes.js';
import { requireCsrfToken, sameOriginPosts } from './csrf.js';
import { formBody } from './form.js';
import { DESK_HEADERS, deskError, html, noticeOf } from './render.js';
import { addScheduleRoutes } from './schedule-routes.js';
import {
  actAs,
  checkPressKey,
  clearSessionCookie,
  currentSession,
  DEFAULT_SESSION_LIMITS,
  type DeskEnv,
  requireSession,
  type SessionLimits,
  startSession,
} from './session.js';
import { addStatementRoutes } from './statement-routes.js';
import { officeOf, statementsPage } from './statements-page.js';
import { DeskPage } from './templates/layout.js';
import { SignInPage } from './templates/sign-in.js';

export type DeskPlatform = Omit<Platform, 'mailer'>;

export interface DeskOptions {
  sessions?: Partial<SessionLimits>;
  /** Sign-in attempts per client address (default: 10 in 10 minutes). */
  signIn?: RateLimit;
}

export const DEFAULT_SIGN_IN_LIMIT: RateLimit = { limit: 10, windowSeconds: 600 };

/** What a signed-in form post goes through: the session, its form read once, and the session's token. */
export interface DeskGuards {
  page: MiddlewareHandler<DeskEnv>;
  post: (maxBytes?: number) => MiddlewareHandler<DeskEnv>;
}

/** The origins a form of the desk may be posted from: the site's configured one, and the one this request reached. */
function ownOrigins(p: DeskPlatform) {
  const configured = new URL(p.config.siteUrl).origin;
  return (c: Context) => [configured, new URL(c.req.url).origin];
}

export function deskApp(p: DeskPlatform, options: DeskOptions = {}): Hono<DeskEnv> {
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.sessions };
  const desk = new Hono<DeskEnv>();
  desk.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(DESK_HEADERS)) c.res.headers.set(name, value);
  });
  desk.use(sameOriginPosts(ownOrigins(p)));
  desk.onError(deskError);

  const session = requireSession(p, limits);
  const guards: DeskGuards = {
    page: session,
    post: (maxBytes) => every(session, formBody<DeskEnv>(maxBytes), requireCsrfToken<DeskEnv>()) as MiddlewareHandler<DeskEnv>,
  };

  desk.get('/', session, async (c) => statementsPage(c, p));

  desk.get('/sign-in', async (c) => {
    if (await currentSession(c, p, limits)) return c.redirect('/desk/', 303);
    return html(c, <SignInPage notice={noticeOf(c)} />);
  });

  const perAddress = rateLimit<DeskEnv>(
    p.rateLimiter,
    options.signIn ?? DEFAULT_SIGN_IN_LIMIT,
    'client address',
    (c) => `desk-sign-in:${clientIp(c)}`,
  );
  desk.post('/sign-in', perAddress, formBody<DeskEnv>(4096), async (c) => {
    const given = c.get('form').text('key');
    if (!given.trim()) return html(c, <SignInPage errors={new Map([['key', ['Enter your press key.']]])} />, 422);
    let key: Awaited<ReturnType<typeof checkPressKey>>;
    try {
      key = await checkPressKey(p, given);
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e;
      return html(c, <SignInPage errors={new Map([['key', [e.message]]])} />, 403);
    }
    actAs(c, await startSession(c, p, key, limits));
    await recordAction(p, c, 'session.start');
    return c.redirect('/desk/', 303);
  });

  desk.post('/sign-out', guards.post(4096), async (c) => {
    await p.sessions.revoke(c.get('sessionHash'), p.clock.now().toISOString());
    await recordAction(p, c, 'session.end');
    clearSessionCookie(c);
    return c.redirect('/desk/sign-in?done=signed-out', 303);
  });

  addComposeRoutes(desk, p, guards);
  addStatementRoutes(desk, p, guards);
  addScheduleRoutes(desk, p, guards);

  desk.all('*', async (c) => {
    if (c.req.path === '/desk') return c.redirect('/desk/', 301);
    const office = await currentSession(c, p, limits);
    return html(
      c,
      <DeskPage title="Not found" office={office ? await officeOf(p, office) : undefined}>
        <p>There is no such page at the desk.</p>
        <p>
          <a href="/desk/">Back to your statements</a>
        </p>
      </DeskPage>,
      404,
    );
  });
  return desk;
}
