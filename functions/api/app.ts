// The submissions API as one Hono app: served by @hono/node-server locally and by hono/aws-lambda on AWS.
import { Hono } from 'hono';
import { fieldIssues, MethodNotAllowedError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { requireStatement } from '../../shared/services/read-statement.js';
import { ListQuery, signStatement, submitStatement } from '../../shared/services/statements.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { declaredBodyLimit, MAX_BODY_BYTES, readJsonBody } from './body.js';
import { originGuard } from './origin-guard.js';
import { problemFor } from './problem.js';
import { clientIp, DEFAULT_RATE_LIMITS, type RateLimits, rateLimit } from './rate-limit.js';
import { addSubscriptionRoutes, DEFAULT_SUBSCRIBE_LIMITS, type SubscribeLimits } from './subscriptions.js';
import { addUnsubscribeRoutes } from './unsubscribe.js';

export { MAX_BODY_BYTES };

export interface AppOptions {
  /** Defaults: DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /** Defaults: DEFAULT_SUBSCRIBE_LIMITS. */
  subscribeLimits?: Partial<SubscribeLimits>;
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

/** What readers may see: not the parties invited to sign (they have not agreed), nor storage details. */
function publicView<T extends { invited?: string[]; revision?: string }>(statement: T): Omit<T, 'invited' | 'revision'> {
  const { invited: _invited, revision: _revision, ...rest } = statement;
  return rest;
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

  v1.post('/statements', declaredBodyLimit(MAX_BODY_BYTES), requirePressKey(p.keys), perPressKey, async (c) => {
    const body = await readJsonBody(c.req.raw);
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new ValidationError('The Idempotency-Key header must be 1-200 visible ASCII characters.', [
        { path: 'Idempotency-Key', message: 'invalid' },
      ]);
    }
    const { statement, created } = await submitStatement(p, c.get('party'), body, idempotencyKey);
    c.header('location', `/v1/statements/${statement.id}`);
    if (!created) c.header('idempotent-replayed', 'true');
    return c.json(statement, 201);
  });

  // A cosigner named by the author signs with its own key; until then the statement is not its own.
  v1.post('/statements/:id/signatures', requirePressKey(p.keys), perPressKey, async (c) => {
    const { statement, created } = await signStatement(p, c.get('party'), c.req.param('id'));
    c.header('location', `/v1/statements/${statement.id}`);
    return c.json(publicView(statement), created ? 201 : 200);
  });

  v1.get('/statements/:id', perClient, async (c) => c.json(publicView(await requireStatement(p, c.req.param('id')))));

  v1.get('/statements', perClient, async (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw new ValidationError('The query is not valid.', fieldIssues(q.error.issues));
    const page = await p.statements.list({
      limit: q.data.limit,
      ...(q.data.party ? { party: q.data.party } : {}),
      ...(q.data.cursor ? { cursor: q.data.cursor } : {}),
    });
    const next = page.nextCursor
      ? `/v1/statements?${new URLSearchParams({ ...(q.data.party ? { party: q.data.party } : {}), cursor: page.nextCursor, limit: String(q.data.limit) })}`
      : undefined;
    if (next) c.header('link', `<${next}>; rel="next"`);
    return c.json({ items: page.items.map(publicView), ...(page.nextCursor ? { nextCursor: page.nextCursor, next } : {}) });
  });

  addUnsubscribeRoutes(v1, p, perClient);
  addSubscriptionRoutes(v1, p, perClient, { ...DEFAULT_SUBSCRIBE_LIMITS, ...options.subscribeLimits });
  refuseOtherMethods(v1);

  app.route('/v1', v1);
  // Also when this app is mounted beside the static site (runtime/start-local.ts): nothing under /v1/ falls through to it.
  app.all('/v1/*', (c) => problemFor(new NotFoundError(`No route ${c.req.method} ${c.req.path}.`), c));
  return app;
}
