// Attachments: a press office prepares an upload, sends the file straight to storage, then completes it;
// the platform checks the file by its content and keeps it; the first statement published with it puts it
// on the site under files/<id>/<name>.
import {
  AttachmentUploadInput,
  attachmentSiteKey,
  contentDisposition,
  detectAttachmentType,
  isImage,
  MAX_ATTACHMENT_BYTES,
  newAttachmentId,
  safeAttachmentName,
  typeLabel,
  UPLOAD_FORM_SECONDS,
} from '../domain/attachment-files.js';
import type * as z from '../domain/schema.js';
import type { Attachment, AttachmentRef } from '../domain/statement.js';
import { ConflictError, type FieldIssue, fieldIssues, NotFoundError, ValidationError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { AttachmentRecord, UploadForm } from '../ports.js';

type AttachmentPlatform = Pick<Platform, 'attachments' | 'uploads' | 'blobs' | 'site' | 'clock'>;

/** What the API shows its party of an attachment. */
export interface AttachmentView {
  id: string;
  filename: string;
  name: string;
  contentType: string;
  size: number;
  state: AttachmentRecord['state'];
  createdAt: string;
  uploadExpiresAt: string;
  /** Once completed: where the site serves it once a statement naming it is published. */
  url?: string;
}

export function attachmentView(r: AttachmentRecord): AttachmentView {
  const { party: _party, uploadKey: _uploadKey, sitePath, completedAt: _completedAt, ...rest } = r;
  return { ...rest, ...(sitePath ? { url: `/${sitePath}` } : {}) };
}

/** Where the checked bytes are kept in the blobs store: what the site's copy can be published again from. */
export function attachmentBlobKey(id: string): string {
  return `attachments/${id}`;
}

/** Where an attachment's file is uploaded to (the presigned POST's key, or the local form's). */
export function attachmentUploadKey(party: string, id: string): string {
  return `uploads/${party}/${id}`;
}

/** POST /v1/attachments: records the attachment as pending and gives the form that uploads its file. */
export async function prepareAttachment(
  p: AttachmentPlatform,
  party: string,
  body: unknown,
): Promise<{ id: string; upload: UploadForm; expiresAt: string }> {
  const parsed = AttachmentUploadInput.safeParse(body);
  if (!parsed.success) throw new ValidationError('The attachment is not valid.', fieldIssues(parsed.error.issues));
  const { filename, contentType, size } = parsed.data;
  const now = p.clock.now();
  const expiresAt = new Date(now.getTime() + UPLOAD_FORM_SECONDS * 1000);
  const id = newAttachmentId();
  const record: AttachmentRecord = {
    id,
    party,
    filename,
    name: safeAttachmentName(filename, contentType),
    contentType,
    size,
    state: 'pending',
    uploadKey: attachmentUploadKey(party, id),
    uploadExpiresAt: expiresAt.toISOString(),
    createdAt: now.toISOString(),
  };
  if (!(await p.attachments.create(record))) throw new Error(`attachment id ${id} was taken: the random source is broken`);
  const upload = await p.uploads.prepare({ id, key: record.uploadKey, contentType, maxBytes: MAX_ATTACHMENT_BYTES, expiresAt });
  return { id, upload, expiresAt: record.uploadExpiresAt };
}

/** The party's own attachment; another party's is as unknown as one that does not exist. */
export async function ownAttachment(p: Pick<Platform, 'attachments'>, party: string, id: string): Promise<AttachmentRecord> {
  const record = await p.attachments.get(id);
  if (!record || record.party !== party) throw new NotFoundError(`No attachment "${id}" of the party "${party}".`);
  return record;
}

/** Why the uploaded bytes cannot be the declared file, or undefined when they can. */
function refusal(bytes: Uint8Array, declared: AttachmentRecord['contentType']): string | undefined {
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) return `The file is ${bytes.byteLength} bytes; attachments are at most 25 MB.`;
  const detected = detectAttachmentType(bytes);
  if (!detected) return `The file is not a PDF, JPEG, PNG or WebP file (its content says so, whatever its name).`;
  if (detected !== declared) return `The file is a ${typeLabel(detected)} file, not the ${typeLabel(declared)} file it was declared as.`;
  return undefined;
}

/**
 * POST /v1/attachments/<id>/complete: reads the upload, checks its content, keeps the checked bytes and
 * publishes them to the site. A refused upload is deleted, and another file may be uploaded with the same
 * form while it lasts. Completing twice answers the same.
 */
export async function completeAttachment(p: AttachmentPlatform, party: string, id: string): Promise<AttachmentView> {
  const record = await ownAttachment(p, party, id);
  if (record.state === 'completed') return attachmentView(record);
  const bytes = await p.blobs.get(record.uploadKey);
  if (!bytes) {
    throw new ConflictError(`Nothing was uploaded for ${id}: POST the file to the upload form's url (with its fields) before completing.`);
  }
  const refused = refusal(bytes, record.contentType);
  if (refused) {
    await p.blobs.delete([record.uploadKey]);
    throw new ValidationError(refused, [{ path: 'file', message: refused }]);
  }
  // Kept, not published: the file reaches the site with the first statement that names it (an embargoed
  // statement's files stay unseen until it is published).
  const sitePath = attachmentSiteKey(id, record.name);
  await p.blobs.put(attachmentBlobKey(id), bytes, record.contentType);
  const completed: AttachmentRecord = {
    ...record,
    state: 'completed',
    size: bytes.byteLength,
    sitePath,
    completedAt: p.clock.now().toISOString(),
  };
  // A concurrent completion of the same upload published the same bytes; its record stands.
  if (!(await p.attachments.complete(completed))) return attachmentView(await ownAttachment(p, party, id));
  await p.blobs.delete([record.uploadKey]);
  return attachmentView(completed);
}

/**
 * The attachments a statement names, as it stores them: each must be a completed attachment of the
 * party, named once; an image needs its alt text. Every problem is reported at once, by field path.
 */
export async function resolveAttachments(
  p: Pick<Platform, 'attachments'>,
  party: string,
  refs: z.output<typeof AttachmentRef>[],
): Promise<Attachment[]> {
  const records = await Promise.all(refs.map((ref) => p.attachments.get(ref.id)));
  const issues: FieldIssue[] = [];
  const resolved: Attachment[] = [];
  refs.forEach((ref, i) => {
    const r = records[i];
    if (!r || r.party !== party || r.state !== 'completed') {
      issues.push({ path: `attachments.${i}`, message: `no completed attachment "${ref.id}" of yours: upload it and complete it first` });
    } else if (refs.findIndex((other) => other.id === ref.id) < i) {
      issues.push({ path: `attachments.${i}`, message: `"${ref.id}" is named twice` });
    } else if (isImage(r.contentType) && !ref.alt) {
      issues.push({ path: `attachments.${i}.alt`, message: 'an image needs its alt text: what it shows, for readers who cannot see it' });
    } else {
      resolved.push({ id: r.id, name: r.name, contentType: r.contentType, size: r.size, ...(ref.alt ? { alt: ref.alt } : {}) });
    }
  });
  if (issues.length) throw new ValidationError('The statement names attachments it cannot have.', issues);
  return resolved;
}

/**
 * Puts a statement's attachments on the site from the kept, checked bytes: before the statement that names
 * them is stored (its page links them), and again by a rebuild. Writing one that is there changes nothing.
 */
export async function publishAttachmentFiles(p: Pick<Platform, 'blobs' | 'site'>, attachments: Attachment[] = []): Promise<void> {
  for (const a of attachments) {
    const bytes = await p.blobs.get(attachmentBlobKey(a.id));
    if (!bytes) throw new Error(`attachment ${a.id} is named by a statement but its checked bytes are not kept`);
    await p.site.put(attachmentSiteKey(a.id, a.name), bytes, a.contentType, undefined, {
      contentDisposition: contentDisposition(a.name, a.contentType),
    });
  }
}
