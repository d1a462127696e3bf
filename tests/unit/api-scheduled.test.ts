// Embargoes through the API (app.request, embedded adapters): scheduling answers 202, the statement is the
// office's alone until its time, and the office changes (PUT) or cancels (DELETE) it with its ETag.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { publishScheduled } from '../../shared/services/publish-scheduled.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let app: ReturnType<typeof createApp>;
const keys: Record<string, string> = {};
const clock = { ms: Date.parse('2026-12-01T09:00:00.000Z'), now: () => new Date(clock.ms) };
const inAnHour = () => new Date(clock.ms + 3_600_000).toISOString();

beforeEach(async () => {
  p = await aLocalPlatform({ clock });
  app = createApp(p);
  for (const party of ['kke', 'tkp']) {
    const { key, record } = issuePressKey(party, new Date());
    await p.keys.put(record);
    keys[party] = key;
  }
});
afterEach(() => p.cleanup());

function call(method: string, path: string, opts: { party?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  return app.request(path, {
    method,
    headers: {
      ...(opts.party ? { authorization: `Bearer ${keys[opts.party]}` } : {}),
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
  });
}

async function scheduleOne(title = 'Under embargo') {
  const res = await call('POST', '/v1/statements', { party: 'kke', body: aStatementInput({ title, publishAt: inAnHour() }) });
  return { res, view: (await res.json()) as { id: string; state: string; publishAt: string; input: { title: string } } };
}

describe('POST /v1/statements with publishAt ahead', () => {
  it('answers 202 with the scheduled statement, its Location and its ETag', async () => {
    const { res, view } = await scheduleOne();
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/statements/${view.id}`);
    expect(res.headers.get('etag')).toBe('"s1"');
    expect(view).toMatchObject({ state: 'scheduled', publishAt: inAnHour(), input: { title: 'Under embargo' } });
  });
});

describe('GET /v1/statements/{id} of a scheduled statement', () => {
  it('answers its own office with the scheduled statement, and anyone else 404', async () => {
    const { view } = await scheduleOne();
    const own = await call('GET', `/v1/statements/${view.id}`, { party: 'kke' });
    expect(own.status).toBe(200);
    expect(own.headers.get('etag')).toBe('"s1"');
    expect(await own.json()).toMatchObject({ id: view.id, state: 'scheduled' });
    expect((await call('GET', `/v1/statements/${view.id}`)).status).toBe(404);
    expect((await call('GET', `/v1/statements/${view.id}`, { party: 'tkp' })).status).toBe(404);
    expect(((await (await call('GET', '/v1/statements')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('answers the published statement once its time has come', async () => {
    const { view } = await scheduleOne('Released at ten');
    clock.ms += 3_600_000;
    expect(await publishScheduled(p, { id: view.id, party: 'kke' })).toBe('published');
    const res = await call('GET', `/v1/statements/${view.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await res.json()).toMatchObject({ id: view.id, title: 'Released at ten', publishedAt: view.publishAt });
  });
});

describe('GET /v1/scheduled', () => {
  it("lists the key's party's scheduled statements only, without their text", async () => {
    const { view } = await scheduleOne();
    const own = (await (await call('GET', '/v1/scheduled', { party: 'kke' })).json()) as { items: Array<{ id: string; input?: unknown }> };
    expect(own.items.map((s) => s.id)).toEqual([view.id]);
    expect(own.items[0]?.input).toBeUndefined();
    expect(await (await call('GET', '/v1/scheduled', { party: 'tkp' })).json()).toEqual({ items: [] });
    expect((await call('GET', '/v1/scheduled')).status).toBe(401);
  });
});

describe('PUT /v1/statements/{id} of a scheduled statement', () => {
  it('replaces it when If-Match names its ETag, and answers 412 to a stale one, 428 to none', async () => {
    const { view } = await scheduleOne();
    const body = aStatementInput({ title: 'A better title', publishAt: inAnHour() });
    expect((await call('PUT', `/v1/statements/${view.id}`, { party: 'kke', body })).status).toBe(428);
    const changed = await call('PUT', `/v1/statements/${view.id}`, { party: 'kke', body, headers: { 'if-match': '"s1"' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"s2"');
    expect(await changed.json()).toMatchObject({ title: 'A better title', revision: 2 });
    expect((await call('PUT', `/v1/statements/${view.id}`, { party: 'kke', body, headers: { 'if-match': '"s1"' } })).status).toBe(412);
  });
});

describe('DELETE /v1/statements/{id}', () => {
  it('cancels a scheduled statement (204), after which it is nowhere', async () => {
    const { view } = await scheduleOne();
    expect((await call('DELETE', `/v1/statements/${view.id}`, { party: 'tkp' })).status).toBe(404);
    expect((await call('DELETE', `/v1/statements/${view.id}`, { party: 'kke' })).status).toBe(204);
    expect((await call('GET', `/v1/statements/${view.id}`, { party: 'kke' })).status).toBe(404);
    expect((await call('DELETE', `/v1/statements/${view.id}`, { party: 'kke' })).status).toBe(404);
  });

  it('answers 409 for a published statement: it is retracted instead', async () => {
    const published = (await (await call('POST', '/v1/statements', { party: 'kke', body: aStatementInput() })).json()) as { id: string };
    const res = await call('DELETE', `/v1/statements/${published.id}`, { party: 'kke' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/retract/);
  });

  it('is among the methods a statement answers (405 lists it)', async () => {
    const res = await call('PATCH', '/v1/statements/abc');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('DELETE');
  });
});
