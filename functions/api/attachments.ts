// Attachment routes: prepare an upload, complete it, read it (press key); and the embedded platform's own
// upload target, POST /v1/uploads/<id>, which its signed form authorises in place of a key.
import type { Hono, MiddlewareHandler } from 'hono';
import { MAX_ATTACHMENT_BYTES } from '../../shared/domain/attachment-files.js';
import {
  ForbiddenError,
  IncompleteBodyError,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { attachmentView, completeAttachment, ownAttachment, prepareAttachment } from '../../shared/services/attachments.js';
import { recordAction } from './audit.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { declaredBodyLimit, readBodyText } from './body.js';

/** The JSON that describes a file is small; the file itself never comes this way. */
const MAX_DESCRIPTION_BYTES = 16 * 1024;
/** Room for the form's fields and multipart framing around the file. */
const MAX_FORM_OVERHEAD_BYTES = 64 * 1024;

const tooLarge = () => new PayloadTooLargeError(`An attachment is at most ${MAX_ATTACHMENT_BYTES} bytes (25 MB).`);

type AttachmentPlatform = Pick<Platform, 'keys' | 'attachments' | 'uploads' | 'blobs' | 'site' | 'clock' | 'audit'>;

export function addAttachmentRoutes(v1: Hono<AuthEnv>, p: AttachmentPlatform, perPressKey: MiddlewareHandler<AuthEnv>): void {
  const pressKey = requirePressKey(p.keys, p.clock);

  v1.post('/attachments', declaredBodyLimit(MAX_DESCRIPTION_BYTES), pressKey, perPressKey, async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(?:;|$)/i.test(type)) {
      throw new UnsupportedMediaTypeError(
        `Describe the file as application/json ({"filename", "contentType", "size"}), not "${type || 'no content type'}"; the file itself goes to the upload form this answers with.`,
      );
    }
    const text = await readBodyText(c.req.raw, MAX_DESCRIPTION_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new MalformedRequestError(`The body is not valid JSON: ${(e as Error).message}`);
    }
    const prepared = await prepareAttachment(p, c.get('party'), body);
    c.header('location', `/v1/attachments/${prepared.id}`);
    return c.json(prepared, 201);
  });

  v1.get('/attachments/:id', pressKey, perPressKey, async (c) =>
    c.json(attachmentView(await ownAttachment(p, c.get('party'), c.req.param('id')))),
  );

  v1.post('/attachments/:id/complete', pressKey, perPressKey, async (c) => {
    const view = await completeAttachment(p, c.get('party'), c.req.param('id'));
    await recordAction(p, c, 'attachment.upload', view.id, view.name);
    return c.json(view);
  });

  // Storage's side of the upload, as S3 answers a presigned POST: 204 and nothing else.
  v1.post('/uploads/:id', async (c) => {
    const verify = p.uploads.verify?.bind(p.uploads);
    if (!verify) throw new NotFoundError('Uploads go to the url of the form POST /v1/attachments answered with.');
    const type = c.req.header('content-type') ?? '';
    if (!/^multipart\/form-data\s*;/i.test(type)) {
      throw new UnsupportedMediaTypeError('Send the upload as multipart/form-data: the form’s fields, then the file as "file".');
    }
    const maxBody = MAX_ATTACHMENT_BYTES + MAX_FORM_OVERHEAD_BYTES;
    if (Number(c.req.header('content-length') ?? 0) > maxBody) throw tooLarge();
    const form = await readForm(c.req.raw, maxBody);
    const fields: Record<string, string> = {};
    let file: File | undefined;
    for (const [name, value] of form) {
      if (typeof value === 'string') fields[name] = value;
      else if (name === 'file') file = value;
    }
    const conditions = verify(fields);
    if (!conditions || conditions.id !== c.req.param('id')) {
      throw new ForbiddenError('This upload form was not signed by this platform, or was changed: ask POST /v1/attachments for a new one.');
    }
    if (p.clock.now() > conditions.expiresAt) {
      throw new ForbiddenError(
        `This upload form expired at ${conditions.expiresAt.toISOString()}: ask POST /v1/attachments for a new one.`,
      );
    }
    if (!file) throw new ValidationError('No file: send it as the form field "file".', [{ path: 'file', message: 'required' }]);
    if (file.size > conditions.maxBytes) throw tooLarge();
    if (file.size === 0) throw new ValidationError('The file is empty.', [{ path: 'file', message: 'empty' }]);
    await p.blobs.put(conditions.key, new Uint8Array(await file.arrayBuffer()), conditions.contentType);
    return c.body(null, 204);
  });
}

/**
 * The multipart form, read through a counter that stops at `maxBytes`: more than that is never taken in,
 * whatever the request declared (or did not).
 */
async function readForm(req: Request, maxBytes: number): Promise<FormData> {
  if (!req.body) throw new MalformedRequestError('The upload has no body.');
  const reader = req.body.getReader();
  let size = 0;
  let failure: Error | undefined;
  const counted = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        failure = new IncompleteBodyError('The upload is incomplete: the client stopped sending before its end.');
        return controller.error(failure);
      }
      if (chunk.done) return controller.close();
      size += chunk.value.byteLength;
      if (size > maxBytes) {
        failure = tooLarge();
        reader.cancel().catch(() => {});
        return controller.error(failure);
      }
      controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  try {
    return await new Response(counted, { headers: { 'content-type': req.headers.get('content-type') ?? '' } }).formData();
  } catch (e) {
    throw failure ?? new MalformedRequestError(`The body is not a multipart form: ${(e as Error).message}`);
  }
}
