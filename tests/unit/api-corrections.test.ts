// PUT /v1/statements/{id} (corrections, guarded by If-Match), POST …/retraction and GET …/versions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { MAX_CORRECTIONS } from '../../shared/services/corrections.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let app: ReturnType<typeof createApp>;
const keys: Record<string, string> = {};

beforeEach(async () => {
  p = await aLocalPlatform();
  app = createApp(p);
  for (const party of ['kke', 'tkp']) {
    const { key, record } = issuePressKey(party, new Date());
    await p.keys.put(record);
    keys[party] = key;
  }
});
afterEach(() => p.cleanup());

const request = (method: string, path: string, party?: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method,
    headers: { ...(party ? { authorization: `Bearer ${keys[party]}` } : {}), 'content-type': 'application/json', ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

async function published(): Promise<{ id: string; etag: string }> {
  const res = await request(
    'POST',
    '/v1/statements',
    'kke',
    aStatementInput({ title: 'Strike on the 12th', body: 'The strike is on the 12th.' }),
  );
  const { id } = (await res.json()) as { id: string };
  const read = await request('GET', `/v1/statements/${id}`);
  return { id, etag: read.headers.get('etag') as string };
}

const correction = {
  title: 'Strike on the 13th',
  body: 'The strike is on the 13th.',
  topics: ['workers'],
  correctionNote: 'Corrected the date of the strike',
};

describe('PUT /v1/statements/{id}', () => {
  it('stores the corrected version and answers it with its ETag', async () => {
    const { id, etag } = await published();
    expect(etag).toBe('"1"');
    const res = await request('PUT', `/v1/statements/${id}`, 'kke', correction, { 'if-match': etag });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    const body = (await res.json()) as { version: number; title: string; corrections: Array<{ note: string; version: number }> };
    expect(body).toMatchObject({
      version: 2,
      title: 'Strike on the 13th',
      corrections: [{ version: 2, note: 'Corrected the date of the strike' }],
    });
    expect((await request('GET', `/v1/statements/${id}`)).headers.get('etag')).toBe('"2"');
  });

  it('answers 412 for a stale If-Match and 428 without one, changing nothing', async () => {
    const { id, etag } = await published();
    expect((await request('PUT', `/v1/statements/${id}`, 'kke', correction, { 'if-match': etag })).status).toBe(200);
    const stale = await request('PUT', `/v1/statements/${id}`, 'kke', { ...correction, title: 'Again' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect(((await stale.json()) as { detail: string }).detail).toContain('version 2');
    const missing = await request('PUT', `/v1/statements/${id}`, 'kke', { ...correction, title: 'Again' });
    expect(missing.status).toBe(428);
    expect(((await (await request('GET', `/v1/statements/${id}`)).json()) as { title: string }).title).toBe('Strike on the 13th');
  });

  it('answers 422 without a correction note or with a field that cannot change, 403 for another party, 404 for none', async () => {
    const { id, etag } = await published();
    const noNote = await request('PUT', `/v1/statements/${id}`, 'kke', { ...correction, correctionNote: undefined }, { 'if-match': etag });
    expect(noNote.status).toBe(422);
    expect(((await noNote.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain('correctionNote');
    expect((await request('PUT', `/v1/statements/${id}`, 'kke', { ...correction, language: 'el' }, { 'if-match': etag })).status).toBe(422);
    expect((await request('PUT', `/v1/statements/${id}`, 'tkp', correction, { 'if-match': etag })).status).toBe(403);
    expect((await request('PUT', '/v1/statements/nope', 'kke', correction, { 'if-match': '"1"' })).status).toBe(404);
    expect((await request('PUT', `/v1/statements/${id}`, undefined, correction, { 'if-match': etag })).status).toBe(401);
  });
});

describe('If-Match', () => {
  it('takes * and a list of entity tags, as RFC 9110 says; a statement that does not exist is 404 before anything else', async () => {
    const { id } = await published();
    expect((await request('PUT', `/v1/statements/${id}`, 'kke', correction, { 'if-match': '"7", "1"' })).status).toBe(200);
    expect(
      (await request('PUT', `/v1/statements/${id}`, 'kke', { ...correction, correctionNote: 'again' }, { 'if-match': '*' })).status,
    ).toBe(200);
    expect((await request('PUT', '/v1/statements/nope', 'kke', correction)).status).toBe(404);
  });
});

describe('POST /v1/statements/{id}/retraction', () => {
  it('retracts: the statement keeps its title and shows the reason, not its text', async () => {
    const { id } = await published();
    const res = await request('POST', `/v1/statements/${id}/retraction`, 'kke', { reason: 'Issued in error' });
    expect(res.status).toBe(200);
    const read = (await (await request('GET', `/v1/statements/${id}`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({ title: 'Strike on the 12th', retraction: { reason: 'Issued in error' } });
    expect(read.bodyHtml).toBeUndefined();
    expect(read.bodyMarkdown).toBeUndefined();
  });

  it('answers 422 without a reason, 403 for another party, and 409 to a correction afterwards', async () => {
    const { id } = await published();
    expect((await request('POST', `/v1/statements/${id}/retraction`, 'kke', {})).status).toBe(422);
    expect((await request('POST', `/v1/statements/${id}/retraction`, 'tkp', { reason: 'x' })).status).toBe(403);
    await request('POST', `/v1/statements/${id}/retraction`, 'kke', { reason: 'Issued in error' });
    expect((await request('PUT', `/v1/statements/${id}`, 'kke', correction, { 'if-match': '"2"' })).status).toBe(409);
  });
});

describe('GET /v1/statements/{id}/versions', () => {
  it('lists every version of the text with its note', async () => {
    const { id, etag } = await published();
    await request('PUT', `/v1/statements/${id}`, 'kke', correction, { 'if-match': etag });
    const res = await request('GET', `/v1/statements/${id}/versions`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { versions: Array<{ version: number; note?: string; title: string; text?: string }> };
    expect(body.versions).toEqual([
      { version: 1, at: expect.any(String), title: 'Strike on the 12th' },
      { version: 2, at: expect.any(String), note: 'Corrected the date of the strike', title: 'Strike on the 13th' },
    ]);
    // Each version's text on its own: no answer grows with the number of corrections.
    const first = (await (await request('GET', `/v1/statements/${id}/versions/1`)).json()) as { text: string };
    expect(first.text).toContain('The strike is on the 12th.');
    const second = (await (await request('GET', `/v1/statements/${id}/versions/2`)).json()) as { text: string; note: string };
    expect(second).toMatchObject({ note: 'Corrected the date of the strike', text: expect.stringContaining('13th') });
    expect((await request('GET', `/v1/statements/${id}/versions/3`)).status).toBe(404);
  });

  it('refuses a correction past the limit of corrections a statement takes', async () => {
    const { id } = await published();
    for (let v = 1; v <= MAX_CORRECTIONS; v++) {
      const res = await request(
        'PUT',
        `/v1/statements/${id}`,
        'kke',
        { ...correction, correctionNote: `fix ${v}` },
        { 'if-match': `"${v}"` },
      );
      expect(res.status).toBe(200);
    }
    const over = await request('PUT', `/v1/statements/${id}`, 'kke', correction, { 'if-match': `"${MAX_CORRECTIONS + 1}"` });
    expect(over.status).toBe(409);
  });

  it('answers 422 to a correction of a translation that asks to mail its readers again', async () => {
    const { id } = await published();
    const res = await request('POST', '/v1/statements', 'kke', aStatementInput({ language: 'el', translationOf: id }));
    const translation = (await res.json()) as { id: string };
    const again = await request(
      'PUT',
      `/v1/statements/${translation.id}`,
      'kke',
      { ...correction, notifySubscribers: true },
      { 'if-match': '"1"' },
    );
    expect(again.status).toBe(422);
  });
});
