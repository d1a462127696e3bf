// What an attachment is by its content, and the name, path and headers it is served with.
import { describe, expect, it } from 'vitest';
import {
  attachmentHeadersOf,
  attachmentHref,
  contentDisposition,
  describeFile,
  detectAttachmentType,
  safeAttachmentName,
} from '../../shared/domain/attachment-files.js';
import { HTML_NAMED_PDF, PDF, PNG } from '../helpers/attachments.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('detectAttachmentType', () => {
  it('tells PDF, JPEG, PNG and WebP by their first bytes', () => {
    expect(detectAttachmentType(PDF)).toBe('application/pdf');
    expect(detectAttachmentType(bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'))).toBe('image/jpeg');
    expect(detectAttachmentType(PNG)).toBe('image/png');
    expect(detectAttachmentType(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
  });

  it('takes nothing else, whatever it is called: HTML, SVG, a WAV in RIFF, a zip, a truncated signature, nothing', () => {
    for (const other of [
      HTML_NAMED_PDF,
      bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '),
      bytes('PK', [3, 4]),
      bytes('%PD'),
      bytes(' %PDF-1.4'),
      new Uint8Array(0),
    ]) {
      expect(detectAttachmentType(other)).toBeUndefined();
    }
  });
});

describe('safeAttachmentName', () => {
  it('keeps letters and digits of any script, lower-cased, with the extension of the type the content showed', () => {
    expect(safeAttachmentName('Joint Declaration (final) 2026.PDF', 'application/pdf')).toBe('joint-declaration-final-2026.pdf');
    expect(safeAttachmentName('Δήλωση της ΚΚΕ.pdf', 'application/pdf')).toBe('δήλωση-της-κκε.pdf');
    expect(safeAttachmentName('بیانیه‌ی حزب توده.jpeg', 'image/jpeg')).toBe('بیانیه-ی-حزب-توده.jpg');
    expect(safeAttachmentName('photo.png', 'image/jpeg')).toBe('photo.jpg');
  });

  it('leaves no way out of its folder, no hidden file, and no empty or overlong name', () => {
    expect(safeAttachmentName('../../etc/passwd.pdf', 'application/pdf')).toBe('etc-passwd.pdf');
    expect(safeAttachmentName('.htaccess', 'image/png')).toBe('file.png');
    expect(safeAttachmentName('***.webp', 'image/webp')).toBe('file.webp');
    const long = safeAttachmentName(`${'Κ'.repeat(300)}.pdf`, 'application/pdf');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(104);
    expect(long).toMatch(/^κ+\.pdf$/);
  });
});

describe('serving an attachment', () => {
  it('offers a PDF as a download and shows an image inline, a name beyond ASCII as filename* (RFC 6266, 5987)', () => {
    expect(contentDisposition('declaration.pdf', 'application/pdf')).toBe('attachment; filename="declaration.pdf"');
    expect(contentDisposition('poster.png', 'image/png')).toBe('inline; filename="poster.png"');
    expect(contentDisposition('δήλωση-2026.pdf', 'application/pdf')).toBe(
      `attachment; filename="2026.pdf"; filename*=UTF-8''%CE%B4%CE%AE%CE%BB%CF%89%CF%83%CE%B7-2026.pdf`,
    );
    expect(contentDisposition('δήλωση.pdf', 'application/pdf')).toMatch(/^attachment; filename="file\.pdf"; filename\*=UTF-8''%CE/);
  });

  it('derives the same headers from a key under files/, and none from any other key', () => {
    expect(attachmentHeadersOf('files/at-0123456789ab/poster.png')).toEqual({
      contentType: 'image/png',
      contentDisposition: 'inline; filename="poster.png"',
    });
    expect(attachmentHeadersOf('files/at-0123456789ab/page.html')).toBeUndefined();
    expect(attachmentHeadersOf('statements/x/poster.png')).toBeUndefined();
  });

  it('links to the file by a same-origin path, and describes it as "PDF, 1.2 MB"', () => {
    expect(attachmentHref({ id: 'at-0123456789ab', name: 'δήλωση.pdf' })).toBe(
      '/files/at-0123456789ab/%CE%B4%CE%AE%CE%BB%CF%89%CF%83%CE%B7.pdf',
    );
    expect(describeFile({ contentType: 'application/pdf', size: 1_258_291 })).toBe('PDF, 1.2 MB');
    expect(describeFile({ contentType: 'image/webp', size: 5_300 })).toBe('WebP, 5.2 KB');
    expect(describeFile({ contentType: 'image/jpeg', size: 300_000 })).toBe('JPEG, 293 KB');
    expect(describeFile({ contentType: 'image/png', size: 512 })).toBe('PNG, 512 bytes');
  });
});
