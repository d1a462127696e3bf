// Attachments on both adapter sets: the records, the direct upload into the blobs store (the platform's own
// form endpoint; S3's presigned POST on s3rver), the check by content, and the file the site then serves.
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { S3ObjectStore } from '../../shared/adapters/aws/s3-store.js';
import { MAX_ATTACHMENT_BYTES } from '../../shared/domain/attachment-files.js';
import { ValidationError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import type { AttachmentRecord, UploadForm } from '../../shared/ports.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { attachmentBlobKey, completeAttachment, prepareAttachment } from '../../shared/services/attachments.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { HTML_NAMED_PDF, PDF, PNG, uploadFormData } from '../helpers/attachments.js';
import { aStatementInput } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

const aRecord = (overrides: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
  id: 'at-0000000000record',
  party: 'kke',
  filename: 'Declaration.pdf',
  name: 'declaration.pdf',
  contentType: 'application/pdf',
  size: 1000,
  state: 'pending',
  uploadKey: 'uploads/kke/at-0000000000record',
  uploadExpiresAt: '2026-11-29T12:15:00.000Z',
  createdAt: '2026-11-29T12:00:00.000Z',
  ...overrides,
});

/** Posts the file to the form's target as a browser would: the platform's own endpoint, or S3 (s3rver). */
function upload(p: Platform, form: UploadForm, file: Uint8Array): Promise<Response> {
  const init = { method: 'POST', body: uploadFormData(form, file) };
  return form.url.startsWith(p.config.siteUrl) ? Promise.resolve(createApp(p).request(form.url, init)) : fetch(form.url, init);
}

/** The type and disposition a reader's browser gets: S3's stored headers, or the local site server's answer. */
async function servedHeaders(p: Platform, form: UploadForm, key: string) {
  if (p.site instanceof S3ObjectStore) {
    const s3 = new S3Client({
      endpoint: new URL(form.url).origin,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: p.site.bucket, Key: key }));
    s3.destroy();
    return { type: head.ContentType, disposition: head.ContentDisposition };
  }
  const res = await new Hono().get('*', serveSite(p.site)).request(`/${key.split('/').map(encodeURIComponent).join('/')}`);
  return { type: res.headers.get('content-type') ?? undefined, disposition: res.headers.get('content-disposition') ?? undefined };
}

describe.each(adapters.sets)('$name', ({ make }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
  });

  describe('attachment records', () => {
    it('stores a pending attachment once, and completes it only while it is pending', async () => {
      const record = aRecord();
      expect(await p.attachments.create(record)).toBe(true);
      expect(await p.attachments.create({ ...record, party: 'tkp' })).toBe(false);
      expect(await p.attachments.get(record.id)).toEqual(record);
      const done = { ...record, state: 'completed' as const, size: 900, sitePath: `files/${record.id}/declaration.pdf` };
      expect(await p.attachments.complete(done)).toBe(true);
      expect(await p.attachments.complete({ ...done, size: 1 })).toBe(false);
      expect(await p.attachments.get(record.id)).toEqual(done);
    });
    it('knows no attachment it was not given', async () => {
      expect(await p.attachments.get('at-0000000000absent')).toBeUndefined();
      expect(await p.attachments.complete(aRecord({ id: 'at-0000000000absent' }))).toBe(false);
    });
  });

  describe('uploading and completing', () => {
    it('takes the uploaded PDF, checks it, keeps it and publishes it under files/ as a download', async () => {
      const prepared = await prepareAttachment(p, 'kke', {
        filename: 'Δήλωση της ΚΚΕ.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
      });
      expect(prepared.id).toMatch(/^at-[a-z0-9]{8,40}$/);
      expect((await upload(p, prepared.upload, PDF)).status).toBe(204);

      const done = await completeAttachment(p, 'kke', prepared.id);
      const key = `files/${prepared.id}/δήλωση-της-κκε.pdf`;
      expect(done).toMatchObject({ state: 'completed', name: 'δήλωση-της-κκε.pdf', size: PDF.length, url: `/${key}` });
      // Kept, not on the site yet: the first statement published with it puts it there (an embargoed one at its time).
      expect(await p.site.get(key)).toBeUndefined();
      await submitStatement(p, 'kke', aStatementInput({ attachments: [{ id: prepared.id }] }));
      expect(Buffer.from((await p.site.get(key)) ?? [])).toEqual(PDF);
      expect(Buffer.from((await p.blobs.get(attachmentBlobKey(prepared.id))) ?? [])).toEqual(PDF);
      expect(await p.blobs.list(`uploads/kke/${prepared.id}`)).toEqual([]);
      expect(await servedHeaders(p, prepared.upload, key)).toEqual({
        type: 'application/pdf',
        disposition: `attachment; filename="file.pdf"; filename*=UTF-8''${encodeURIComponent('δήλωση-της-κκε.pdf')}`,
      });
      // Completing again changes nothing.
      expect(await completeAttachment(p, 'kke', prepared.id)).toEqual(done);
    });

    it('serves an image inline under the name of the type its content shows', async () => {
      const prepared = await prepareAttachment(p, 'kke', { filename: 'Rally photo.PNG', contentType: 'image/png', size: PNG.length });
      expect((await upload(p, prepared.upload, PNG)).status).toBe(204);
      expect(await completeAttachment(p, 'kke', prepared.id)).toMatchObject({ name: 'rally-photo.png' });
      await submitStatement(p, 'kke', aStatementInput({ attachments: [{ id: prepared.id, alt: 'The rally' }] }));
      expect(await servedHeaders(p, prepared.upload, `files/${prepared.id}/rally-photo.png`)).toEqual({
        type: 'image/png',
        disposition: 'inline; filename="rally-photo.png"',
      });
    });

    it('refuses a file whose content is not the declared type, deletes the upload and publishes nothing', async () => {
      const prepared = await prepareAttachment(p, 'kke', { filename: 'declaration.pdf', contentType: 'application/pdf', size: 60 });
      expect((await upload(p, prepared.upload, HTML_NAMED_PDF)).status).toBe(204);
      const refused = await completeAttachment(p, 'kke', prepared.id).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).message).toMatch(/not a PDF, JPEG, PNG or WebP/);
      expect(await p.site.list(`files/${prepared.id}/`)).toEqual([]);
      expect(await p.blobs.list(`uploads/kke/${prepared.id}`)).toEqual([]);
      expect((await p.attachments.get(prepared.id))?.state).toBe('pending');
    });

    it('stores a statement with the completed attachments it names, alt text included', async () => {
      const prepared = await prepareAttachment(p, 'kke', { filename: 'poster.png', contentType: 'image/png', size: PNG.length });
      await upload(p, prepared.upload, PNG);
      await completeAttachment(p, 'kke', prepared.id);
      const input = aStatementInput({ attachments: [{ id: prepared.id, alt: 'The poster of the rally' }] });
      const { statement } = await submitStatement(p, 'kke', input);
      const expected = [
        { id: prepared.id, name: 'poster.png', contentType: 'image/png', size: PNG.length, alt: 'The poster of the rally' },
      ];
      expect((await readStatement(p, statement.id))?.attachments).toEqual(expected);
    });
  });
});

describe('S3 presigned POST (content bucket on s3rver)', () => {
  it('holds an upload to its key, the declared type, 1 byte to 25 MB, for 15 minutes', async () => {
    const p = await (adapters.sets[1] as (typeof adapters.sets)[number]).make();
    const before = Date.now();
    const prepared = await prepareAttachment(p, 'kke', { filename: 'photo.jpg', contentType: 'image/jpeg', size: 5000 });
    const { fields, url } = prepared.upload;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/communique-test-\d+$/);
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, MAX_ATTACHMENT_BYTES],
        ['eq', '$Content-Type', 'image/jpeg'],
        { key: `uploads/kke/${prepared.id}` },
        { bucket: (p.blobs as S3ObjectStore).bucket },
      ]),
    );
    expect(fields).toMatchObject({ key: `uploads/kke/${prepared.id}`, 'Content-Type': 'image/jpeg' });
    expect(fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    const expiresIn = Date.parse(policy.expiration) - before;
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000 + 2_000);
    expect(Date.parse(prepared.expiresAt)).toBeCloseTo(Date.parse(policy.expiration), -4);
  });
});
