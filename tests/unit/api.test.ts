// The submissions API through app.request(): no server, the embedded adapters in a temporary DATA_DIR.
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let app: ReturnType<typeof createApp>;
let kkeKey: string;

async function keyFor(party: string): Promise<{ key: string; keyId: string }> {
  const { key, record } = issuePressKey(party, new Date());
  await p.keys.put(record);
  return { key, keyId: record.keyId };
}

function post(body: unknown, headers: Record<string, string> = {}, key = kkeKey) {
  return app.request('/v1/statements', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function statementCount() {
  return (p.db.prepare('SELECT count(*) AS n FROM statements').get() as { n: number }).n;
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await res.json()) as { status: number; title: string; detail: string; errors?: Array<{ path: string }> };
  expect(problem.status).toBe(status);
  expect(problem.detail.length).toBeGreaterThan(10);
  expect(await statementCount()).toBe(0);
  expect(p.queues.outboxDepth()).toBe(0);
  return problem;
}

beforeEach(async () => {
  p = await aLocalPlatform();
  app = createApp(p);
  kkeKey = (await keyFor('kke')).key;
});
afterEach(() => {
  vi.restoreAllMocks();
  p.cleanup();
});

/** A body that sends its first bytes, then breaks, as a client hanging up mid-upload does. */
function brokenBody(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new TypeError('terminated: other side closed'));
      controller.enqueue(new TextEncoder().encode('{"title": "The first half of a stat'));
      sent = true;
    },
  });
}

describe('POST /v1/statements', () => {
  it('answers 201 with Location and the stored statement, and puts one event in the outbox', async () => {
    const res = await post(aStatementInput({ title: 'On the strike', cosigners: ['tkp'], topics: ['Workers'] }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; party: string; cosigners: string[]; topics: string[]; bodyHtml: string; dir: string };
    expect(res.headers.get('location')).toBe(`/v1/statements/${body.id}`);
    // A named cosigner is invited: it is on the statement once it signs with its own key.
    expect(body).toMatchObject({ party: 'kke', cosigners: [], invited: ['tkp'], topics: ['workers'], dir: 'ltr' });
    expect(body.bodyHtml).toContain('<strong>Solidarity</strong>');
    expect(p.queues.outboxDepth()).toBe(1);
    const again = await app.request(`/v1/statements/${body.id}`);
    // Readers see it without the invitations, which are the author's business until the cosigner signs.
    const { invited: _invited, ...publicPart } = body as typeof body & { invited: string[] };
    expect(await again.json()).toEqual(publicPart);
  });

  it('returns the same statement for a retry with the same Idempotency-Key, never a second one', async () => {
    const input = aStatementInput();
    const first = await post(input, { 'idempotency-key': 'press-2026-001' });
    const second = await post(input, { 'idempotency-key': 'press-2026-001' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    expect(await statementCount()).toBe(1);
    expect(p.queues.outboxDepth()).toBe(1);
  });

  it('answers 422 when an Idempotency-Key is reused with a different body', async () => {
    await post(aStatementInput(), { 'idempotency-key': 'k' });
    const res = await post(aStatementInput(), { 'idempotency-key': 'k' });
    expect(res.status).toBe(422);
    expect(await statementCount()).toBe(1);
  });

  it('marks right-to-left languages', async () => {
    const res = await post(aStatementInput({ language: 'fa', body: 'کارگران' }));
    expect(((await res.json()) as { dir: string }).dir).toBe('rtl');
  });

  it('answers 400 for malformed JSON', async () => {
    await expectProblem(await post('{"title": '), 400);
  });

  it('answers 422 with the failing field paths for wrong types', async () => {
    const problem = await expectProblem(
      await post({ ...aStatementInput(), title: 42, topics: ['ok', 7], language: 'not a language!' }),
      422,
    );
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['language', 'title', 'topics.1']);
  });

  it('answers 422 for unknown fields, unknown cosigners and future dates', async () => {
    await expectProblem(await post({ ...aStatementInput(), colour: 'red' }), 422);
    const cos = await expectProblem(await post(aStatementInput({ cosigners: ['nobody'] })), 422);
    expect(cos.errors?.[0]?.path).toBe('cosigners.0');
    await expectProblem(await post(aStatementInput({ publishedAt: '2999-01-01T00:00:00Z' })), 422);
  });

  it('answers 413 for a body over 1 MB', async () => {
    await expectProblem(await post(aStatementInput({ body: 'x'.repeat(1024 * 1024 + 10) })), 413);
  });

  it('answers 415 for a body that is not JSON', async () => {
    await expectProblem(await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  });

  it('answers 401 with no key, an unknown key or a revoked key', async () => {
    const none = await app.request('/v1/statements', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await expectProblem(none, 401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    await expectProblem(await post(aStatementInput(), {}, 'cq_0000000000000000_00000000000000000000000000000000'), 401);
    await expectProblem(await post(aStatementInput(), {}, 'not-a-key'), 401);
    const { key, keyId } = await keyFor('tkp');
    await p.keys.revoke(keyId, new Date().toISOString());
    await expectProblem(await post(aStatementInput(), {}, key), 401);
  });

  it('answers 401 for a right key id with a wrong secret', async () => {
    const forged = `${kkeKey.slice(0, 20)}${'z'.repeat(kkeKey.length - 20)}`;
    await expectProblem(await post(aStatementInput(), {}, forged), 401);
  });

  it('answers 403 when the key belongs to another party', async () => {
    await expectProblem(await post(aStatementInput({ party: 'tkp' })), 403);
  });

  it('answers 422 with the field path for a publishedAt before 1900, such as year 0000', async () => {
    const problem = await expectProblem(await post(aStatementInput({ publishedAt: '0000-01-01T00:00:00Z' })), 422);
    expect(problem.errors?.map((e) => e.path)).toEqual(['publishedAt']);
  });

  it.each([
    ['with no Content-Length', {}],
    ['with a Content-Length', { 'content-length': '200' }],
  ])('answers 400 "request body incomplete" when the client stops mid-body (%s), and logs no unhandled error', async (_, length) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await app.request('/v1/statements', {
      method: 'POST',
      headers: { authorization: `Bearer ${kkeKey}`, 'content-type': 'application/json', ...length },
      body: brokenBody(),
      duplex: 'half',
    } as RequestInit);
    const problem = await expectProblem(res, 400);
    expect(problem.detail).toContain('request body is incomplete');
    expect(errors).not.toHaveBeenCalled();
  });

  it('answers 400 without an unhandled-error log when the request was already aborted', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const aborted = new AbortController();
    aborted.abort();
    const req = new Request('http://localhost/v1/statements', {
      method: 'POST',
      headers: { authorization: `Bearer ${kkeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(aStatementInput()),
      signal: aborted.signal,
    });
    await expectProblem(await app.request(req), 400);
    expect(errors).not.toHaveBeenCalled();
  });
});

describe('errors under /v1/', () => {
  it('answers 404 problem+json for unknown routes', async () => {
    await expectProblem(await app.request('/v1/nothing-here'), 404);
    await expectProblem(await app.request('/v1/statements/abc/def', { method: 'POST' }), 404);
    await expectProblem(await app.request('/v1/'), 404);
  });

  it('answers 404 problem+json also when mounted beside the static site, as the local server does', async () => {
    const root = new Hono();
    root.route('/', app);
    root.get('*', serveSite(p.site));
    await expectProblem(await root.request('/v1/nothing-here'), 404);
    expect((await root.request('/v1/statements', { method: 'DELETE' })).headers.get('allow')).toBe('GET, POST');
  });

  it.each([
    ['DELETE', '/v1/statements', 'GET, POST'],
    ['PUT', '/v1/statements', 'GET, POST'],
    ['PATCH', '/v1/statements/0000000001aaaaaaaaaaaa', 'DELETE, GET, PUT'],
    ['DELETE', '/v1/unsubscribe', 'GET, POST'],
    ['OPTIONS', '/v1/statements', 'GET, POST'],
  ])('answers %s %s with 405 problem+json and Allow: %s', async (method, path, allow) => {
    const res = await app.request(path, { method });
    expect(res.headers.get('allow')).toBe(allow);
    await expectProblem(res, 405);
  });
});

describe('user data named like Object.prototype members', () => {
  it('is plain data in queries, paths and form fields', async () => {
    for (const q of ['__proto__=x', 'constructor=y&toString=z', '__proto__[limit]=5', 'party=constructor', 'party=__proto__']) {
      const res = await app.request(`/v1/statements?${q}`);
      expect(res.status, q).toBe(200);
      expect(await res.json()).toEqual({ items: [] });
    }
    await expectProblem(await app.request('/v1/statements/__proto__'), 404);
    await expectProblem(await app.request('/v1/constructor'), 404);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '__proto__=1&constructor=2' };
    await expectProblem(await app.request('/v1/unsubscribe', form), 404);
  });
});

describe('GET /v1/statements', () => {
  it('pages through published statements newest first, by party', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await post(aStatementInput({ publishedAt: `2026-01-0${i}T10:00:00Z` }));
      ids.push(((await res.json()) as { id: string }).id);
    }
    const first = await app.request('/v1/statements?party=kke&limit=2');
    const page = (await first.json()) as { items: Array<{ id: string }>; nextCursor: string };
    expect(page.items.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect(first.headers.get('link')).toContain('rel="next"');
    const next = await app.request(`/v1/statements?party=kke&limit=2&cursor=${page.nextCursor}`);
    expect(((await next.json()) as { items: Array<{ id: string }> }).items.map((s) => s.id)).toEqual([ids[0]]);
    expect(((await (await app.request('/v1/statements?party=tkp')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('answers 422 for a bad cursor or limit, and 404 for an unknown statement', async () => {
    await expectProblem(await app.request('/v1/statements?cursor=bm9wZQ'), 422);
    await expectProblem(await app.request('/v1/statements?limit=1000'), 422);
    await expectProblem(await app.request('/v1/statements/nope'), 404);
  });
});

describe('GET /healthz', () => {
  it('answers ok', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
  });
});
