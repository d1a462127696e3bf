// Attachment files: what the platform accepts (a type told by the file's first bytes, a size), and the
// names, paths and headers it serves them with, the same from S3 behind CloudFront and the local server.
import { randomToken } from './ids.js';
import * as z from './schema.js';
import { ATTACHMENT_TYPES, type Attachment } from './statement.js';

export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** How long a prepared upload form is good for: long enough for 25 MB on a slow line, short enough to leak little. */
export const UPLOAD_FORM_SECONDS = 15 * 60;

const EXTENSIONS: Record<AttachmentType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};
const LABELS: Record<AttachmentType, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' };

/** The body of POST /v1/attachments: the file about to be uploaded, as the office declares it. */
export const AttachmentUploadInput = z.strictObject({
  filename: z.string().check(z.trim(), z.minLength(1), z.maxLength(255), z.regex(/^[^\p{Cc}/\\]*$/u, 'a file name, without folders')),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.int().check(z.minimum(1), z.maximum(MAX_ATTACHMENT_BYTES, `at most ${MAX_ATTACHMENT_BYTES} bytes (25 MB)`)),
});

export function newAttachmentId(): string {
  return `at-${randomToken(15)}`;
}

export function isImage(type: string): boolean {
  return type.startsWith('image/');
}

const startsWith = (bytes: Uint8Array, at: number, signature: readonly number[]) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The type a file's first bytes show, whatever its name says; undefined for anything else (HTML, SVG, a zip…). */
export function detectAttachmentType(bytes: Uint8Array): AttachmentType | undefined {
  if (startsWith(bytes, 0, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, 0, ascii('RIFF')) && startsWith(bytes, 8, ascii('WEBP'))) return 'image/webp';
  return undefined;
}

/** File systems take 255 bytes a name; a short name also keeps the URL readable. */
const MAX_STEM_BYTES = 100;

/**
 * The name a file is served under: the office's name as a slug of letters and digits in any script
 * (lower-cased, NFC), with the extension of the type its content showed, never the one it came with.
 */
export function safeAttachmentName(filename: string, type: AttachmentType): string {
  const stem = filename
    .normalize('NFC')
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  let kept = '';
  for (const char of stem) {
    if (Buffer.byteLength(kept + char) > MAX_STEM_BYTES) break;
    kept += char;
  }
  return `${kept.replace(/-+$/, '') || 'file'}.${EXTENSIONS[type]}`;
}

/** Where a published attachment lives in the site store. */
export function attachmentSiteKey(id: string, name: string): string {
  return `files/${id}/${name}`;
}

/** The same as a same-origin URL path, for pages. */
export function attachmentHref(a: Pick<Attachment, 'id' | 'name'>): string {
  return `/${attachmentSiteKey(encodeURIComponent(a.id), encodeURIComponent(a.name))}`;
}

/** RFC 5987 attr-chars are left as they are; everything else is percent-encoded UTF-8. */
function encodeExtValue(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * RFC 6266: images show in the page and the browser; a PDF is offered as a download, so no viewer runs it
 * on the site's origin. A name beyond ASCII goes in filename* (RFC 5987), with an ASCII stand-in before it.
 */
export function contentDisposition(name: string, type: AttachmentType): string {
  const kind = isImage(type) ? 'inline' : 'attachment';
  const plain = name.replace(/[^\x20-\x7e]+/g, '').replace(/["\\]/g, '');
  if (plain === name) return `${kind}; filename="${name}"`;
  const stem = plain.replace(/^[-.]+/, '');
  const fallback = stem.includes('.') ? stem : `file.${EXTENSIONS[type]}`;
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

/** The Content-Type and Content-Disposition of a site key under files/, or undefined for any other key. */
export function attachmentHeadersOf(key: string): { contentType: AttachmentType; contentDisposition: string } | undefined {
  const m = /^files\/[^/]+\/([^/]+)\.([a-z]+)$/.exec(key);
  const type = m && ATTACHMENT_TYPES.find((t) => EXTENSIONS[t] === m[2]);
  if (!m || !type) return undefined;
  return { contentType: type, contentDisposition: contentDisposition(`${m[1]}.${m[2]}`, type) };
}

/** "PDF, 1.2 MB": what a reader sees beside a download link. */
export function describeFile(a: Pick<Attachment, 'contentType' | 'size'>): string {
  const kb = a.size / 1024;
  const size =
    a.size < 1024 ? `${a.size} bytes` : kb < 1024 ? `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB` : `${(kb / 1024).toFixed(1)} MB`;
  return `${LABELS[a.contentType]}, ${size}`;
}

export function typeLabel(type: AttachmentType): string {
  return LABELS[type];
}
