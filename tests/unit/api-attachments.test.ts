// Attachments through the API (app.request, real multipart bodies) on the embedded platform: preparing an
// upload, the platform's own upload endpoint and its signed form, completing, serving, and statements.
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { PENDING_ATTACHMENT_MS } from '../../shared/adapters/local/sqlite-attachments.js';
import { renderPages } from '../../shared/consumers/render-pages.js';
import { MAX_ATTACHMENT_BYTES } from '../../shared/domain/attachment-files.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import type { UploadForm } from '../../shared/ports.js';
import { pruneAbandonedUploads } from '../../shared/runtime/email-schedule.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { HTML_NAMED_PDF, PDF, PNG, uploadFormData } from '../helpers/attachments.js';
import { aStatementInput, publishedEvent, siteText } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let app: ReturnType<typeof createApp>;
let now: number;
const keys: Record<string, string> = {};

beforeEach(async () => {
  now = Date.parse('2026-11-29T12:00:00Z');
  p = await aLocalPlatform({ clock: { now: () => new Date(now) } });
  app = createApp(p);
  for (const party of ['kke', 'tkp']) {
    const { key, record } = issuePressKey(party, new Date(now));
    await p.keys.put(record);
    keys[party] = key;
  }
});
afterEach(() => p.cleanup());

const json = (party: string, body: unknown) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${keys[party]}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function prepare(file: { filename: string; contentType: string; size: number }, party = 'kke') {
  const res = await app.request('/v1/attachments', json(party, file));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; upload: UploadForm; expiresAt: string };
}

const send = (upload: UploadForm, body: FormData | BodyInit, headers: Record<string, string> = {}) =>
  app.request(new URL(upload.url).pathname, { method: 'POST', body, headers });

const complete = (id: string, party = 'kke') =>
  app.request(`/v1/attachments/${id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${keys[party]}` } });

async function attached(file: Buffer, filename: string, contentType: string) {
  const prepared = await prepare({ filename, contentType, size: file.length });
  expect((await send(prepared.upload, uploadFormData(prepared.upload, file))).status).toBe(204);
  expect((await complete(prepared.id)).status).toBe(200);
  return prepared.id;
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as { detail: string; errors?: Array<{ path: string; message: string }> };
}

describe('POST /v1/attachments', () => {
  it('answers 201 with a form that posts to the platform’s own upload endpoint for 15 minutes', async () => {
    const res = await app.request(
      '/v1/attachments',
      json('kke', { filename: 'Declaration.pdf', contentType: 'application/pdf', size: 1234 }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; upload: UploadForm; expiresAt: string };
    expect(res.headers.get('location')).toBe(`/v1/attachments/${body.id}`);
    expect(body.upload.url).toBe(`http://localhost:3000/v1/uploads/${body.id}`);
    expect(body.upload.fields).toMatchObject({ key: `uploads/kke/${body.id}`, 'Content-Type': 'application/pdf' });
    expect(body.expiresAt).toBe('2026-11-29T12:15:00.000Z');
  });

  it('answers 422 for a type it does not take or a file over 25 MB, 401 without a key, 415 for a form', async () => {
    const svg = await expectProblem(
      await app.request('/v1/attachments', json('kke', { filename: 'x.svg', contentType: 'image/svg+xml', size: 9 })),
      422,
    );
    expect(svg.errors?.map((e) => e.path)).toEqual(['contentType']);
    const big = await app.request(
      '/v1/attachments',
      json('kke', { filename: 'x.pdf', contentType: 'application/pdf', size: MAX_ATTACHMENT_BYTES + 1 }),
    );
    expect((await expectProblem(big, 422)).errors?.map((e) => e.path)).toEqual(['size']);
    await expectProblem(await app.request('/v1/attachments', { method: 'POST', body: '{}' }), 401);
    const form = { method: 'POST', headers: { authorization: `Bearer ${keys.kke}` }, body: new FormData() };
    await expectProblem(await app.request('/v1/attachments', form), 415);
  });
});

describe('POST /v1/uploads/{id} (the embedded platform’s upload target)', () => {
  it('answers 413 for a file one byte over 25 MB, and stores nothing', async () => {
    const prepared = await prepare({ filename: 'big.pdf', contentType: 'application/pdf', size: MAX_ATTACHMENT_BYTES });
    const file = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x20);
    PDF.copy(file);
    await expectProblem(await send(prepared.upload, uploadFormData(prepared.upload, file)), 413);
    expect(await p.blobs.list('uploads/')).toEqual([]);
  });

  it('stops reading a body that goes on past the limit, whatever it declared', async () => {
    const prepared = await prepare({ filename: 'x.pdf', contentType: 'application/pdf', size: 10 });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const res = await app.request(new URL(prepared.upload.url).pathname, {
      method: 'POST',
      body: endless,
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413);
    expect(pulled).toBeLessThanOrEqual(MAX_ATTACHMENT_BYTES / (1024 * 1024) + 3);
  });

  it('answers 403 to a form that expired, was changed, or was signed for another upload', async () => {
    const prepared = await prepare({ filename: 'x.pdf', contentType: 'application/pdf', size: PDF.length });
    const other = await prepare({ filename: 'y.pdf', contentType: 'application/pdf', size: PDF.length });
    const { fields } = prepared.upload;
    const policy = JSON.parse(Buffer.from(fields.policy ?? '', 'base64url').toString('utf8'));
    const widened = Buffer.from(JSON.stringify({ ...policy, maxBytes: 10 * MAX_ATTACHMENT_BYTES })).toString('base64url');
    const tampered: UploadForm[] = [
      { ...prepared.upload, fields: { ...fields, policy: widened } },
      { ...prepared.upload, fields: { ...fields, 'Content-Type': 'text/html' } },
      { ...prepared.upload, fields: { ...fields, key: 'uploads/kke/elsewhere' } },
      { ...prepared.upload, fields: { ...fields, signature: other.upload.fields.signature ?? '' } },
      { ...other.upload, url: prepared.upload.url },
    ];
    for (const form of tampered) await expectProblem(await send(form, uploadFormData(form, PDF)), 403);
    now += 15 * 60_000 + 1;
    const late = await expectProblem(await send(prepared.upload, uploadFormData(prepared.upload, PDF)), 403);
    expect(late.detail).toMatch(/expired at 2026-11-29T12:15:00.000Z/);
    expect(await p.blobs.list('uploads/')).toEqual([]);
  });

  it('answers 415 to a body that is not a multipart form', async () => {
    const prepared = await prepare({ filename: 'x.pdf', contentType: 'application/pdf', size: 10 });
    await expectProblem(await send(prepared.upload, JSON.stringify(prepared.upload.fields), { 'content-type': 'application/json' }), 415);
  });
});

describe('POST /v1/attachments/{id}/complete', () => {
  it('publishes the file under /files/ with the statement that names it, with a safe type and disposition, served as the CDN serves it', async () => {
    const id = await attached(PDF, 'Declaration of the CC.pdf', 'application/pdf');
    expect(await p.site.list('files/')).toEqual([]);
    const submitted = await app.request('/v1/statements', {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.kke}`, 'content-type': 'application/json' },
      body: JSON.stringify(aStatementInput({ attachments: [{ id }] })),
    });
    expect(submitted.status).toBe(201);
    const view = (await (await app.request(`/v1/attachments/${id}`, { headers: { authorization: `Bearer ${keys.kke}` } })).json()) as {
      url: string;
    };
    expect(view).toMatchObject({ id, state: 'completed', name: 'declaration-of-the-cc.pdf', size: PDF.length });
    const logged = (await p.audit.list('kke', { limit: 10 })).items;
    expect(logged.map((e) => [e.action, e.target, e.detail])).toContainEqual(['attachment.upload', id, 'declaration-of-the-cc.pdf']);
    const site = new Hono().get('*', serveSite(p.site));
    const res = await site.request(view.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="declaration-of-the-cc.pdf"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('takes the file off the site when its statement is retracted, or a correction drops it', async () => {
    const kept = await attached(PDF, 'kept.pdf', 'application/pdf');
    const dropped = await attached(PDF, 'dropped.pdf', 'application/pdf');
    const auth = { authorization: `Bearer ${keys.kke}`, 'content-type': 'application/json' };
    const res = await app.request('/v1/statements', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(aStatementInput({ attachments: [{ id: kept }, { id: dropped }] })),
    });
    const { id, title, body, topics } = (await res.json()) as { id: string; title: string; body: string; topics: string[] };
    expect((await p.site.list('files/')).length).toBe(2);
    const corrected = await app.request(`/v1/statements/${id}`, {
      method: 'PUT',
      headers: { ...auth, 'if-match': '"1"' },
      body: JSON.stringify({
        title,
        body: body ?? 'Text',
        topics,
        attachments: [{ id: kept }],
        correctionNote: 'One file was the wrong one',
      }),
    });
    expect(corrected.status).toBe(200);
    expect(await p.site.list('files/')).toEqual([`files/${kept}/kept.pdf`]);
    const retracted = await app.request(`/v1/statements/${id}/retraction`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ reason: 'x' }),
    });
    expect(retracted.status).toBe(200);
    expect(await p.site.list('files/')).toEqual([]);
  });

  it('answers 422 for an HTML page named .pdf, deletes the upload and publishes nothing', async () => {
    const prepared = await prepare({ filename: 'declaration.pdf', contentType: 'application/pdf', size: HTML_NAMED_PDF.length });
    await send(prepared.upload, uploadFormData(prepared.upload, HTML_NAMED_PDF, 'declaration.pdf'));
    const problem = await expectProblem(await complete(prepared.id), 422);
    expect(problem.errors?.[0]?.path).toBe('file');
    expect(problem.detail).toMatch(/not a PDF, JPEG, PNG or WebP/);
    expect(await p.site.list('files/')).toEqual([]);
    expect(await p.blobs.list('uploads/')).toEqual([]);
  });

  it('answers 422 for a PNG declared as a JPEG, 409 before anything was uploaded', async () => {
    const prepared = await prepare({ filename: 'photo.jpg', contentType: 'image/jpeg', size: PNG.length });
    await expectProblem(await complete(prepared.id), 409);
    await send(prepared.upload, uploadFormData(prepared.upload, PNG));
    expect((await expectProblem(await complete(prepared.id), 422)).detail).toMatch(/a PNG file, not the JPEG file/);
  });

  it('answers 404 to another party, for completing and for reading', async () => {
    const prepared = await prepare({ filename: 'x.pdf', contentType: 'application/pdf', size: PDF.length });
    await send(prepared.upload, uploadFormData(prepared.upload, PDF));
    await expectProblem(await complete(prepared.id, 'tkp'), 404);
    await expectProblem(await app.request(`/v1/attachments/${prepared.id}`, { headers: { authorization: `Bearer ${keys.tkp}` } }), 404);
    expect((await p.attachments.get(prepared.id))?.state).toBe('pending');
  });
});

describe('statements with attachments', () => {
  const submit = (party: string, attachments: unknown[]) =>
    app.request('/v1/statements', json(party, aStatementInput({ attachments } as never)));

  it('answer 422 by path for an attachment that is unknown, pending or another party’s, named twice, or an image without alt', async () => {
    const photo = await attached(PNG, 'photo.png', 'image/png');
    const pending = (await prepare({ filename: 'x.pdf', contentType: 'application/pdf', size: 10 })).id;
    const theirs = (await prepare({ filename: 'x.pdf', contentType: 'application/pdf', size: 10 }, 'tkp')).id;
    const res = await submit('kke', [
      { id: 'at-0000000000nothere' },
      { id: pending },
      { id: theirs },
      { id: photo, alt: 'A rally' },
      { id: photo, alt: 'Again' },
    ]);
    const problem = await expectProblem(res, 422);
    expect(problem.errors?.map((e) => e.path)).toEqual(['attachments.0', 'attachments.1', 'attachments.2', 'attachments.4']);
    const noAlt = await expectProblem(await submit('kke', [{ id: photo }]), 422);
    expect(noAlt.errors?.map((e) => e.path)).toEqual(['attachments.0.alt']);
    expect((p.db.prepare('SELECT count(*) AS n FROM statements').get() as { n: number }).n).toBe(0);
  });

  it('are shown on the statement’s page: images with their alt text, PDFs as a download with type and size', async () => {
    const photo = await attached(PNG, 'Rally in Athens.png', 'image/png');
    const pdf = Buffer.concat([PDF, Buffer.alloc(1_258_291 - PDF.length, 0x20)]);
    const declaration = await attached(pdf, 'Joint declaration.pdf', 'application/pdf');
    const res = await submit('kke', [
      { id: photo, alt: 'Workers <marching> in "Athens"' },
      { id: declaration, alt: 'The joint declaration' },
    ]);
    expect(res.status).toBe(201);
    const statement = (await res.json()) as { id: string; version: number; party: string; createdAt: string };
    await renderPages(p, publishedEvent(statement));
    const page = await siteText(p.site, `statements/${statement.id}/index.html`);
    expect(page).toContain(
      `<img src="/files/${photo}/rally-in-athens.png" alt="Workers &lt;marching&gt; in &quot;Athens&quot;" loading="lazy" decoding="async"`,
    );
    expect(page).toMatch(
      new RegExp(`<a href="/files/${declaration}/joint-declaration.pdf" type="application/pdf"[^>]*>The joint declaration</a>`),
    );
    expect(page).toContain('(PDF, 1.2 MB)');
  });
});

describe('uploads never completed', () => {
  it('are forgotten a day after they were prepared, their files with them; completed attachments stay', async () => {
    const kept = await attached(PDF, 'kept.pdf', 'application/pdf');
    const abandoned = await prepare({ filename: 'left.pdf', contentType: 'application/pdf', size: PDF.length });
    expect((await send(abandoned.upload, uploadFormData(abandoned.upload, PDF))).status).toBe(204);
    expect(await p.blobs.list('uploads/')).toHaveLength(1);
    // Within the day, nothing goes.
    now += 60 * 60 * 1000;
    expect(await pruneAbandonedUploads(p)).toBe(0);
    now += PENDING_ATTACHMENT_MS;
    expect(await pruneAbandonedUploads(p)).toBe(1);
    expect(await p.blobs.list('uploads/')).toEqual([]);
    expect(await p.attachments.get(abandoned.id)).toBeUndefined();
    expect((await p.attachments.get(kept))?.state).toBe('completed');
    expect(await pruneAbandonedUploads(p)).toBe(0);
  });
});
