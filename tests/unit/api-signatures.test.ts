// POST /v1/statements/{id}/signatures: a cosigner signs with its own key; nobody signs for another party.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let app: ReturnType<typeof createApp>;
const keys: Record<string, string> = {};

beforeEach(async () => {
  p = await aLocalPlatform();
  app = createApp(p);
  for (const party of ['kke', 'tkp', 'jcp']) {
    const { key, record } = issuePressKey(party, new Date());
    await p.keys.put(record);
    keys[party] = key;
  }
});
afterEach(() => p.cleanup());

const request = (method: string, path: string, party?: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...(party ? { authorization: `Bearer ${keys[party]}` } : {}), 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

async function jointStatement(): Promise<string> {
  const res = await request('POST', '/v1/statements', 'kke', aStatementInput({ cosigners: ['tkp'] }));
  return ((await res.json()) as { id: string }).id;
}

describe('POST /v1/statements/{id}/signatures', () => {
  it('answers 201 with the signed statement when an invited party signs, then 200 when it signs again', async () => {
    const id = await jointStatement();
    const signed = await request('POST', `/v1/statements/${id}/signatures`, 'tkp');
    expect(signed.status).toBe(201);
    expect(await signed.json()).toMatchObject({ id, version: 2, cosigners: ['tkp'], signatures: [{ party: 'tkp' }] });
    expect((await request('POST', `/v1/statements/${id}/signatures`, 'tkp')).status).toBe(200);
    const listed = (await (await request('GET', '/v1/statements?party=tkp')).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((s) => s.id)).toEqual([id]);
  });

  it('answers 403 to a party that was not invited, and keeps the statement off its listing', async () => {
    const id = await jointStatement();
    const res = await request('POST', `/v1/statements/${id}/signatures`, 'jcp');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const listed = (await (await request('GET', '/v1/statements?party=jcp')).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });

  it('answers 401 without a key, 404 for an unknown statement and 409 to the author', async () => {
    const id = await jointStatement();
    expect((await request('POST', `/v1/statements/${id}/signatures`)).status).toBe(401);
    expect((await request('POST', '/v1/statements/nope/signatures', 'tkp')).status).toBe(404);
    expect((await request('POST', `/v1/statements/${id}/signatures`, 'kke')).status).toBe(409);
  });

  it('does not show readers who was invited before they sign', async () => {
    const id = await jointStatement();
    const statement = (await (await request('GET', `/v1/statements/${id}`)).json()) as Record<string, unknown>;
    expect(statement).not.toHaveProperty('invited');
    expect(statement.cosigners).toEqual([]);
  });
});

describe('GET /v1/invitations', () => {
  it('lists the statements awaiting the office’s signature, and no longer once it signed', async () => {
    const id = await jointStatement();
    const listed = async (party: string) =>
      ((await (await request('GET', '/v1/invitations', party)).json()) as { items: Array<{ id: string; invited?: unknown }> }).items;
    const awaiting = await listed('tkp');
    expect(awaiting.map((s) => s.id)).toEqual([id]);
    // Who else was asked is not the invitee's to see.
    expect(awaiting[0]?.invited).toBeUndefined();
    expect(await listed('jcp')).toEqual([]);
    expect((await request('POST', `/v1/statements/${id}/signatures`, 'tkp')).status).toBe(201);
    expect(await listed('tkp')).toEqual([]);
  });

  it('answers 401 without a key and 422 for a bad limit', async () => {
    expect((await request('GET', '/v1/invitations')).status).toBe(401);
    expect((await request('GET', '/v1/invitations?limit=0', 'tkp')).status).toBe(422);
  });
});
