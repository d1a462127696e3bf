// The submissions API as one Hono app: served by @hono/node-server locally and by hono/aws-lambda on AWS.
import { Hono } from 'hono';
import { MethodNotAllowedError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { statementEtag } from '../../shared/services/corrections.js';
import { readStatement, requireStatement } from '../../shared/services/read-statement.js';
import { ListQuery, signStatement, submitStatement } from '../../shared/services/statements.js';
import { addAttachmentRoutes } from './attachments.js';
import { recordAction } from './audit.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { declaredBodyLimit, MAX_BODY_BYTES, readJsonBody } from './body.js';
import { type DeskOptions, deskApp } from './desk/routes.js';
import { addDocsRoutes } from './docs.js';
import { addKeyRoutes } from './keys.js';
import { originGuard } from './origin-guard.js';
import { PageQuery, pagedJson, pageQuery } from './paging.js';
import { problemFor } from './problem.js';
import { publicView } from './public-view.js';
import { clientIp, DEFAULT_RATE_LIMITS, type RateLimits, rateLimit } from './rate-limit.js';
import { addScheduledRoutes, ownScheduledResponse, scheduledResponse } from './scheduled.js';
import { addStatementChangeRoutes } from './statement-changes.js';
import { addSubscriptionRoutes, DEFAULT_SUBSCRIBE_LIMITS, type SubscribeLimits } from './subscriptions.js';
import { addUnsubscribeRoutes } from './unsubscribe.js';

export { MAX_BODY_BYTES };

export interface AppOptions {
  /** Defaults: DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /** Defaults: DEFAULT_SUBSCRIBE_LIMITS. */
  subscribeLimits?: Partial<SubscribeLimits>;
  /** The web desk's session lifetimes and sign-in limit (desk/routes.tsx). */
  desk?: DeskOptions;
}

/** Every path a router serves answers the methods it does not serve with 405 and Allow: call after its routes. */
function refuseOtherMethods(router: Hono<AuthEnv>): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const { path, method } of router.routes) {
    if (method === 'ALL') continue;
    methodsByPath.set(path, (methodsByPath.get(path) ?? new Set()).add(method));
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort();
    router.all(path, (c) => {
      throw new MethodNotAllowedError(`${c.req.path} answers ${allow.join(', ')}, not ${c.req.method}.`, allow);
    });
  }
}

export function createApp(p: Omit<Platform, 'mailer'>, options: AppOptions = {}): Hono {
  const perMinute = p.config.rateLimitsPerMinute;
  const limits: RateLimits = {
    perPressKey: { limit: perMinute?.pressKey ?? DEFAULT_RATE_LIMITS.perPressKey.limit, windowSeconds: 60 },
    perClient: { limit: perMinute?.client ?? DEFAULT_RATE_LIMITS.perClient.limit, windowSeconds: 60 },
    ...options.rateLimits,
  };
  const app = new Hono();
  app.use(originGuard(p.config.originSecret));
  app.onError((err, c) => problemFor(err, c));
  app.notFound((c) => problemFor(new NotFoundError(`No route ${c.req.method} ${c.req.path}.`), c));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  const v1 = new Hono<AuthEnv>();
  const perClient = rateLimit<AuthEnv>(p.rateLimiter, limits.perClient, 'client address', (c) => `ip:${clientIp(c)}`);
  const perPressKey = rateLimit<AuthEnv>(p.rateLimiter, limits.perPressKey, 'press key', (c) => `key:${c.get('keyId')}`);

  v1.post('/statements', declaredBodyLimit(MAX_BODY_BYTES), requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    const body = await readJsonBody(c.req.raw);
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new ValidationError('The Idempotency-Key header must be 1-200 visible ASCII characters.', [
        { path: 'Idempotency-Key', message: 'invalid' },
      ]);
    }
    const { statement, created, scheduled } = await submitStatement(p, c.get('party'), body, idempotencyKey);
    const action = scheduled ? 'statement.schedule' : 'statement.submit';
    const detail = scheduled ? `${statement.title} at ${scheduled.publishAt}` : statement.title;
    await recordAction(p, c, action, statement.id, created ? detail : 'replayed (same Idempotency-Key)');
    c.header('location', `/v1/statements/${statement.id}`);
    if (!created) c.header('idempotent-replayed', 'true');
    // An embargo: accepted, published at publishAt; until then only its office reads it (with its key, at Location).
    if (scheduled) return scheduledResponse(c, scheduled, 202);
    return c.json(statement, 201);
  });

  // A cosigner named by the author signs with its own key; until then the statement is not its own.
  v1.post('/statements/:id/signatures', requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    const { statement, created } = await signStatement(p, c.get('party'), c.req.param('id'));
    await recordAction(p, c, 'statement.sign', statement.id, created ? statement.title : 'already signed');
    c.header('location', `/v1/statements/${statement.id}`);
    return c.json(publicView(statement), created ? 201 : 200);
  });

  // What the office is invited to sign, newest first: each is signed with POST …/signatures.
  v1.get('/invitations', requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    const q = pageQuery(c, PageQuery);
    const page = await p.statements.listInvitations(c.get('party'), { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
    return pagedJson(c, '/v1/invitations', q.limit, page, publicView);
  });

  v1.get('/statements/:id', perClient, async (c) => {
    const id = c.req.param('id');
    // Not published (yet): its own office, with its key, reads it as scheduled; anyone else gets 404 (after
    // reading again: it may have been published meanwhile).
    const published = await readStatement(p, id);
    const scheduled = published ? undefined : await ownScheduledResponse(p, c, id);
    if (scheduled) return scheduled;
    const statement = published ?? (await requireStatement(p, id));
    c.header('etag', statementEtag(statement));
    return c.json(publicView(statement));
  });

  v1.get('/statements', perClient, async (c) => {
    const q = pageQuery(c, ListQuery);
    const party: Record<string, string> = q.party ? { party: q.party } : {};
    const page = await p.statements.list({ limit: q.limit, ...party, ...(q.cursor ? { cursor: q.cursor } : {}) });
    return pagedJson(c, '/v1/statements', q.limit, page, publicView, party);
  });

  addStatementChangeRoutes(v1, p, perPressKey, perClient);
  addUnsubscribeRoutes(v1, p, perClient);
  addSubscriptionRoutes(v1, p, perClient, { ...DEFAULT_SUBSCRIBE_LIMITS, ...options.subscribeLimits });
  addAttachmentRoutes(v1, p, perPressKey);
  addKeyRoutes(v1, p, perPressKey);
  addDocsRoutes(v1, p); // GET /v1/openapi.json, /v1/docs: every route above is documented in openapi.ts
  addScheduledRoutes(v1, p, perPressKey); // GET /v1/scheduled, DELETE /v1/statements/{id} (embargoes)
  refuseOtherMethods(v1);

  app.route('/v1', v1);
  // The web desk: HTML forms with a session cookie, outside /v1 and its JSON-only bodies (desk/routes.tsx).
  app.route('/desk/', deskApp(p, options.desk));
  // Also when this app is mounted beside the static site (runtime/start-local.ts): nothing under /v1/ falls through to it.
  app.all('/v1/*', (c) => problemFor(new NotFoundError(`No route ${c.req.method} ${c.req.path}.`), c));
  return app;
}
