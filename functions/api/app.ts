// The submissions API as one Hono app: served by @hono/node-server locally and by hono/aws-lambda on AWS.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { parseUnsubscribeToken, unsubscribeSecretMatches } from '../../shared/domain/subscriber.js';
import {
  fieldIssues,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { ListQuery, requireStatement, submitStatement } from '../../shared/services/statements.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { problemFor } from './problem.js';

export const MAX_BODY_BYTES = 1024 * 1024;

async function readJsonBody(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new UnsupportedMediaTypeError(`Send the statement as application/json, not "${type || 'no content type'}".`);
  }
  const text = await req.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MalformedRequestError(`The body is not valid JSON: ${(e as Error).message}`);
  }
}

export function createApp(p: Platform): Hono {
  const app = new Hono();
  app.onError((err, c) => problemFor(err, c));
  app.notFound((c) => problemFor(new NotFoundError(`No route ${c.req.method} ${c.req.path}.`), c));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  const v1 = new Hono<AuthEnv>();
  v1.post(
    '/statements',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(`A statement may be at most ${MAX_BODY_BYTES} bytes of JSON; put large files in attachments.`);
      },
    }),
    requirePressKey(p.keys),
    async (c) => {
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
    },
  );

  v1.get('/statements/:id', async (c) => c.json(await requireStatement(p, c.req.param('id'))));

  v1.get('/statements', async (c) => {
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
    return c.json({ items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor, next } : {}) });
  });

  // One-click unsubscribe (RFC 8058): mail clients POST here; the GET confirms in a browser.
  v1.on(['GET', 'POST'], '/unsubscribe', async (c) => {
    const token = parseUnsubscribeToken(c.req.query('token') ?? '');
    const subscriber = token ? await p.subscribers.get(token.id) : undefined;
    if (!token || !subscriber || !unsubscribeSecretMatches(subscriber, token.secret)) {
      throw new NotFoundError('This unsubscribe link is not valid. Use the link of your most recent email.');
    }
    if (c.req.method === 'POST' && !subscriber.unsubscribedAt) {
      await p.subscribers.put({ ...subscriber, unsubscribedAt: p.clock.now().toISOString() });
    }
    if (c.req.method === 'POST') return c.text('You are unsubscribed; no more email will be sent to this address.');
    return c.html(
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>Unsubscribe</title>' +
        '<form method="post"><p>Stop all email from Communiqué to this address?</p><button>Unsubscribe</button></form></html>',
    );
  });

  app.route('/v1', v1);
  return app;
}
