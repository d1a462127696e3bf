// An office's own keys and audit log through the API (app.request, the embedded adapters): named keys shown
// once, their last use, rotation without downtime, revocation, and who did what with which key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { KeyView as KeyViewSchema } from '../../functions/api/keys.js';
import { AuditEntry } from '../../shared/domain/audit.js';
import { issuePressKey, MAX_LIVE_KEYS } from '../../shared/domain/press-key.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

interface KeyView {
  keyId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  manageKeys: boolean;
  current: boolean;
  key?: string;
  notice?: string;
}
interface AuditItem {
  at: string;
  party: string;
  keyId: string;
  keyName: string;
  via: string;
  action: string;
  target?: string;
  detail?: string;
}

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let app: ReturnType<typeof createApp>;
let now: Date;
const keys: Record<string, { key: string; keyId: string }> = {};

/** Each action a second after the one before, so that the log's order is the order of the test. */
const tick = (ms = 1_000) => {
  now = new Date(now.getTime() + ms);
};

beforeEach(async () => {
  now = new Date('2026-03-01T10:00:00.000Z');
  p = await aLocalPlatform({ clock: { now: () => now } });
  app = createApp(p);
  for (const [party, name] of [
    ['kke', 'press office laptop'],
    ['tkp', 'website CMS'],
  ] as const) {
    const { key, record } = issuePressKey(party, now, name);
    await p.keys.put(record);
    keys[party] = { key, keyId: record.keyId };
  }
});
afterEach(() => p.cleanup());

function request(method: string, path: string, key: string | undefined, body?: unknown) {
  tick();
  return app.request(path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}
const as = (party: string) => (keys[party] as { key: string }).key;

async function createKey(name: string, key = as('kke'), manageKeys = false): Promise<KeyView & { key: string }> {
  const res = await request('POST', '/v1/keys', key, { name, manageKeys });
  expect(res.status).toBe(201);
  return (await res.json()) as KeyView & { key: string };
}
async function listKeys(key = as('kke')): Promise<KeyView[]> {
  const res = await request('GET', '/v1/keys', key);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: KeyView[] }).items;
}
async function auditOf(key: string, query = ''): Promise<{ items: AuditItem[]; nextCursor?: string; res: Response }> {
  const res = await request('GET', `/v1/audit${query}`, key);
  expect(res.status).toBe(200);
  return { ...((await res.json()) as { items: AuditItem[]; nextCursor?: string }), res };
}

describe('POST /v1/keys', () => {
  it('answers 201 with the new key shown once, its Location, and no-store; the key works at once', async () => {
    const res = await request('POST', '/v1/keys', as('kke'), { name: '  desk laptop ' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = (await res.json()) as KeyView & { key: string };
    expect(res.headers.get('location')).toBe(`/v1/keys/${created.keyId}`);
    expect(created).toMatchObject({ name: 'desk laptop', lastUsedAt: null, revokedAt: null, current: false });
    expect(created.key).toMatch(new RegExp(`^cq_${created.keyId}_[0-9a-z]{48}$`));
    const listed = await listKeys(created.key);
    expect(listed.find((k) => k.keyId === created.keyId)).toMatchObject({ name: 'desk laptop', current: true });
    expect(JSON.stringify(listed)).not.toMatch(/cq_|secret|hash/i);
    const one = await request('GET', `/v1/keys/${created.keyId}`, as('kke'));
    expect(await one.json()).toMatchObject({ keyId: created.keyId, name: 'desk laptop' });
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a name of spaces', { name: '   ' }],
    ['a name over 100 characters', { name: 'x'.repeat(101) }],
    ['a name of two lines', { name: 'desk\nlaptop' }],
    ['a name that is not text', { name: 42 }],
  ])('answers 422 to %s, with the field, and stores nothing', async (_what, body) => {
    const res = await request('POST', '/v1/keys', as('kke'), body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).toBe('name');
    expect(await p.keys.listForParty('kke')).toHaveLength(1);
  });

  it('answers 415 to a body that is not JSON and 400 to broken JSON', async () => {
    const form = await app.request('/v1/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${as('kke')}`, 'content-type': 'text/plain' },
      body: 'name=laptop',
    });
    expect(form.status).toBe(415);
    expect((await request('POST', '/v1/keys', as('kke'), '{"name": ')).status).toBe(400);
  });

  it(`answers 409 once the office has ${MAX_LIVE_KEYS} live keys; revoking one makes room`, async () => {
    for (let i = 1; i < MAX_LIVE_KEYS; i++) await createKey(`key number ${i}`);
    const refused = await request('POST', '/v1/keys', as('kke'), { name: 'one too many' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toContain(`${MAX_LIVE_KEYS} live keys`);
    const [, second] = await listKeys();
    expect((await request('DELETE', `/v1/keys/${second?.keyId}`, as('kke'))).status).toBe(200);
    await createKey('now there is room');
  });
});

describe('keys for publishing only', () => {
  it('publish, and revoke themselves, but neither issue keys nor revoke others (403): a leaked one mints nothing', async () => {
    const cms = await createKey('website CMS');
    expect(cms.manageKeys).toBe(false);
    expect((await request('POST', '/v1/statements', cms.key, aStatementInput())).status).toBe(201);
    const issue = await request('POST', '/v1/keys', cms.key, { name: 'another' });
    expect(issue.status).toBe(403);
    expect(issue.headers.get('content-type')).toBe('application/problem+json');
    expect((await request('POST', '/v1/keys', cms.key, { name: 'a manager', manageKeys: true })).status).toBe(403);
    expect((await request('DELETE', `/v1/keys/${keys.kke?.keyId}`, cms.key)).status).toBe(403);
    expect((await request('POST', '/v1/statements', as('kke'), aStatementInput())).status).toBe(201);
    expect((await request('DELETE', `/v1/keys/${cms.keyId}`, cms.key)).status).toBe(200);
    expect((await request('POST', '/v1/statements', cms.key, aStatementInput())).status).toBe(401);
  });

  it('are what a key issues unless it asks for one that manages keys, which only a key that manages keys may', async () => {
    const manager = await createKey('second office laptop', as('kke'), true);
    expect(manager.manageKeys).toBe(true);
    expect((await createKey('from the second laptop', manager.key)).manageKeys).toBe(false);
    expect((await listKeys()).find((k) => k.keyId === keys.kke?.keyId)?.manageKeys).toBe(true);
  });
});

describe('GET /v1/keys', () => {
  it('lists the office’s own keys, named, marking the caller’s; a key from before names reads "key <id>"', async () => {
    const legacy = issuePressKey('kke', new Date('2025-01-01T00:00:00Z')).record;
    await p.keys.put(legacy);
    const listed = await listKeys();
    expect(listed.map((k) => [k.name, k.current])).toEqual([
      [`key ${legacy.keyId}`, false],
      ['press office laptop', true],
    ]);
    expect(listed.map((k) => k.keyId)).not.toContain(keys.tkp?.keyId);
  });

  it('shows when each key was last used, written at most once a minute', async () => {
    const first = now.getTime() + 1_000;
    const mine = () => listKeys().then((l) => l.find((k) => k.current));
    expect((await mine())?.lastUsedAt).toBe(new Date(first).toISOString());
    tick(30_000);
    expect((await mine())?.lastUsedAt).toBe(new Date(first).toISOString());
    tick(30_000);
    const later = await mine();
    expect(later?.lastUsedAt).toBe(now.toISOString());
    const tkp = await listKeys(as('tkp'));
    expect(tkp[0]?.lastUsedAt).toBe(now.toISOString());
  });

  it('answers 401 without a key', async () => {
    expect((await request('GET', '/v1/keys', undefined)).status).toBe(401);
    expect((await request('GET', '/v1/audit', undefined)).status).toBe(401);
  });
});

describe('DELETE /v1/keys/{keyId}', () => {
  it('rotates without downtime: the new key works beside the old one, then the old one answers 401', async () => {
    const fresh = await createKey('desk laptop 2027', as('kke'), true);
    expect((await request('POST', '/v1/statements', as('kke'), aStatementInput())).status).toBe(201);
    expect((await request('POST', '/v1/statements', fresh.key, aStatementInput())).status).toBe(201);
    const revoked = await request('DELETE', `/v1/keys/${keys.kke?.keyId}`, fresh.key);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ keyId: keys.kke?.keyId, revokedAt: now.toISOString(), current: false });
    expect((await request('POST', '/v1/statements', as('kke'), aStatementInput())).status).toBe(401);
    expect((await request('POST', '/v1/statements', fresh.key, aStatementInput())).status).toBe(201);
  });

  it('revokes the key the request is made with, and says so', async () => {
    const res = await request('DELETE', `/v1/keys/${keys.kke?.keyId}`, as('kke'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as KeyView;
    expect(body).toMatchObject({ current: true, revokedAt: now.toISOString() });
    expect(body.notice).toContain('this request was made with');
    expect((await request('GET', '/v1/keys', as('kke'))).status).toBe(401);
  });

  it('keeps the first revocation when asked twice', async () => {
    const old = await createKey('old laptop');
    await request('DELETE', `/v1/keys/${old.keyId}`, as('kke'));
    const first = now.toISOString();
    const again = await request('DELETE', `/v1/keys/${old.keyId}`, as('kke'));
    expect(again.status).toBe(200);
    expect(((await again.json()) as KeyView).revokedAt).toBe(first);
  });

  it('answers 404 for another party’s key and for an unknown one, and leaves the other party’s key working', async () => {
    const theirs = await request('DELETE', `/v1/keys/${keys.tkp?.keyId}`, as('kke'));
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('content-type')).toBe('application/problem+json');
    expect((await request('GET', `/v1/keys/${keys.tkp?.keyId}`, as('kke'))).status).toBe(404);
    expect((await request('DELETE', '/v1/keys/0000000000000000', as('kke'))).status).toBe(404);
    expect((await request('DELETE', `/v1/keys/${'x'.repeat(3000)}`, as('kke'))).status).toBe(404);
    expect((await listKeys(as('tkp')))[0]?.revokedAt).toBeNull();
  });
});

describe('GET /v1/audit', () => {
  it('lists the office’s actions newest first: what, on what, when, with which key and through what', async () => {
    const submitted = await request('POST', '/v1/statements', as('kke'), aStatementInput({ cosigners: ['tkp'] }));
    const { id } = (await submitted.json()) as { id: string };
    const fresh = await createKey('desk laptop', as('kke'), true);
    await request('DELETE', `/v1/keys/${keys.kke?.keyId}`, fresh.key);
    const { items } = await auditOf(fresh.key);
    expect(items.map((e) => [e.action, e.target, e.keyName, e.via])).toEqual([
      ['key.revoke', keys.kke?.keyId, 'desk laptop', 'api'],
      ['key.create', fresh.keyId, 'press office laptop', 'api'],
      ['statement.submit', id, 'press office laptop', 'api'],
    ]);
    expect(items[1]).toMatchObject({ party: 'kke', keyId: keys.kke?.keyId, detail: 'desk laptop' });
    expect(items.map((e) => e.at)).toEqual([...items.map((e) => e.at)].sort().reverse());
    // What the OpenAPI document publishes for these answers (it is generated from the same schemas).
    for (const entry of items) expect(AuditEntry.safeParse(entry).error).toBeUndefined();
    for (const key of await listKeys(fresh.key)) expect(KeyViewSchema.safeParse(key).error).toBeUndefined();
  });

  it('shows each office only its own actions', async () => {
    const submitted = await request('POST', '/v1/statements', as('kke'), aStatementInput({ cosigners: ['tkp'] }));
    const { id } = (await submitted.json()) as { id: string };
    expect((await request('POST', `/v1/statements/${id}/signatures`, as('tkp'))).status).toBe(201);
    const tkp = await auditOf(as('tkp'), '?party=kke');
    expect(tkp.items.map((e) => [e.party, e.action, e.target, e.keyName])).toEqual([['tkp', 'statement.sign', id, 'website CMS']]);
    expect((await auditOf(as('kke'))).items.map((e) => e.action)).toEqual(['statement.submit']);
  });

  it('pages with limit and cursor, with a Link to the next page', async () => {
    for (let i = 0; i < 5; i++) await createKey(`key ${i}`);
    const first = await auditOf(as('kke'), '?limit=2');
    expect(first.items.map((e) => e.detail)).toEqual(['key 4', 'key 3']);
    expect(first.res.headers.get('link')).toBe(`</v1/audit?cursor=${first.nextCursor}&limit=2>; rel="next"`);
    const second = await auditOf(as('kke'), `?limit=2&cursor=${first.nextCursor}`);
    const third = await auditOf(as('kke'), `?limit=2&cursor=${second.nextCursor}`);
    expect([...second.items, ...third.items].map((e) => e.detail)).toEqual(['key 2', 'key 1', 'key 0']);
    expect(third.nextCursor).toBeUndefined();
    expect((await request('GET', '/v1/audit?limit=0', as('kke'))).status).toBe(422);
  });
});
