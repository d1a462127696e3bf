// The attachment routes in the API's OpenAPI document: preparing an upload, the embedded platform's upload
// target, completing (the check by content), and reading an attachment.
import { AttachmentUploadInput, MAX_ATTACHMENT_BYTES } from '../../shared/domain/attachment-files.js';
import * as z from '../../shared/domain/schema.js';
import { ATTACHMENT_TYPES, AttachmentId } from '../../shared/domain/statement.js';
import { describeFields, HEADERS, input, json, jsonBody, type OperationSpec, output, type ParameterSpec, problems } from './openapi-kit.js';

describeFields(AttachmentUploadInput, {
  filename: 'The file name as the office has it; it is served under a safe slug of it, with the extension of its real type.',
  contentType: 'What the file is; its first bytes must say the same when it is completed.',
  size: `In bytes, at most ${MAX_ATTACHMENT_BYTES} (25 MB).`,
});

const PreparedUpload = z.object({
  id: AttachmentId,
  upload: z.object({ url: z.string(), fields: z.record(z.string(), z.string()) }),
  expiresAt: z.string(),
});
describeFields(PreparedUpload, {
  id: 'Name it in a statement’s `attachments` once completed.',
  upload: 'POST multipart/form-data to `url`: each of `fields` as it is, then the file as `file` (last). An S3 presigned POST on AWS.',
  expiresAt: 'The form is refused after this (15 minutes).',
});

const AttachmentView = z.object({
  id: AttachmentId,
  filename: z.string(),
  name: z.string(),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.int(),
  state: z.enum(['pending', 'completed']),
  createdAt: z.string(),
  uploadExpiresAt: z.string(),
  url: z.optional(z.string()),
});
describeFields(AttachmentView, {
  name: 'The name it is served under.',
  size: 'As declared while pending; the checked file’s once completed.',
  state: '`pending` until completed: only a completed attachment can be named in a statement.',
  url: 'Once completed: where the site serves it (/files/{id}/{name}).',
});

const A = {
  input: input('AttachmentUploadInput', AttachmentUploadInput),
  prepared: output('PreparedUpload', PreparedUpload),
  view: output('Attachment', AttachmentView),
  id: input('AttachmentId', AttachmentId),
};

const attachmentId: ParameterSpec = { name: 'id', in: 'path', required: true, description: 'The attachment id.', schema: A.id };
const notYours: [number, string] = [404, 'No attachment of the key’s party with this id.'];

const UPLOAD_FORM = {
  type: 'object',
  description: 'The fields of the form POST /v1/attachments answered with, each as it is, then the file.',
  properties: {
    key: { type: 'string' },
    'Content-Type': { type: 'string' },
    policy: { type: 'string' },
    signature: { type: 'string' },
    file: { type: 'string', contentMediaType: 'application/octet-stream' },
  },
  required: ['key', 'Content-Type', 'policy', 'signature', 'file'],
};

export const ATTACHMENT_OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/attachments',
    operationId: 'prepareAttachment',
    tag: 'Attachments',
    security: 'pressKey',
    summary: 'Prepare an upload',
    description:
      'A PDF, JPEG, PNG or WebP file of up to 25 MB goes straight to storage, not through the API: this answers the form that uploads it ' +
      '(an S3 presigned POST on AWS, whose policy holds the type and size; POST /v1/uploads/{id} on one machine). Then complete it.',
    requestBody: jsonBody(A.input, { filename: 'Joint declaration.pdf', contentType: 'application/pdf', size: 182_113 }),
    responses: {
      201: json('The attachment, pending, and its upload form.', A.prepared, { headers: { Location: HEADERS.location } }),
      ...problems(400, 401, [413, 'The description is over 16 KB.'], [415, 'The description is not application/json.'], 422, 429),
    },
  },
  {
    method: 'post',
    path: '/v1/uploads/{id}',
    operationId: 'uploadAttachment',
    tag: 'Attachments',
    security: 'public',
    summary: 'Upload the file (on one machine)',
    description:
      'The embedded platform’s own upload target, as S3 takes a presigned POST: the signed form authorises it, no key is needed. ' +
      'On AWS the form posts to S3 instead and this answers 404.',
    parameters: [attachmentId],
    requestBody: { required: true, content: { 'multipart/form-data': { schema: UPLOAD_FORM } } },
    responses: {
      204: { description: 'Stored; now complete it.' },
      ...problems(
        [400, 'The form is cut off or malformed.'],
        [403, 'The form was not signed here, was changed, is for another upload, or expired.'],
        [404, 'There is no such target here (AWS: uploads go to S3).'],
        [413, 'The file is over 25 MB.'],
        [415, 'The body is not multipart/form-data.'],
        [422, 'No file, or an empty one.'],
      ),
    },
  },
  {
    method: 'post',
    path: '/v1/attachments/{id}/complete',
    operationId: 'completeAttachment',
    tag: 'Attachments',
    security: 'pressKey',
    summary: 'Complete an upload',
    description:
      'Checks the uploaded file by its first bytes (not its name): it must be the declared type and at most 25 MB. It is then published ' +
      'at /files/{id}/{name}, images shown inline and PDFs offered as downloads. Completing again answers the same.',
    parameters: [attachmentId],
    responses: {
      200: json('Completed: it may be named in a statement.', A.view),
      ...problems(
        401,
        notYours,
        [409, 'Nothing was uploaded for it yet.'],
        [422, 'The file is not the type it was declared as (or not one the platform takes); it was deleted, and another may be uploaded.'],
        429,
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/attachments/{id}',
    operationId: 'getAttachment',
    tag: 'Attachments',
    security: 'pressKey',
    summary: 'Read an attachment',
    description: 'An attachment of the key’s party: its state and, once completed, where the site serves it.',
    parameters: [attachmentId],
    responses: { 200: json('The attachment.', A.view), ...problems(401, notYours, 429) },
  },
];
