// Test files for attachments (small, with real magic bytes) and the form a client posts to an upload target.
import type { UploadForm } from '../../shared/ports.js';

/** A real 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** What an attacker names "declaration.pdf": a page that would run script on the site's origin if served as HTML. */
export const HTML_NAMED_PDF = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

/** The multipart form of an upload: the target's fields in order, then the file last (as S3 requires). */
export function uploadFormData(upload: UploadForm, file: Uint8Array, filename = 'file'): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([file as Uint8Array<ArrayBuffer>]), filename);
  return form;
}
