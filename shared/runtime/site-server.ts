// Serves the site store over HTTP for the embedded platform (on AWS, CloudFront serves the site bucket).

import type { Context } from 'hono';
import { attachmentHeadersOf } from '../domain/attachment-files.js';
import type { ObjectStore } from '../ports.js';
import { IMMUTABLE_CACHE_CONTROL, isImmutableIndexFile } from '../search/format.js';
import { CONTENT_SECURITY_POLICY } from '../site/security-headers.js';

/** A Map, not an object: an extension such as "constructor" must not find Object.prototype's. */
const TYPES = new Map<string, string>([
  ['html', 'text/html; charset=utf-8'],
  ['css', 'text/css; charset=utf-8'],
  ['js', 'text/javascript; charset=utf-8'],
  ['json', 'application/json'],
  ['xml', 'application/xml'],
  ['txt', 'text/plain; charset=utf-8'],
  ['svg', 'image/svg+xml'],
  ['png', 'image/png'],
  ['ico', 'image/x-icon'],
  // Attachments (files/…): the types their content was checked to be.
  ['pdf', 'application/pdf'],
  ['jpg', 'image/jpeg'],
  ['webp', 'image/webp'],
]);

/** No file system takes more; longer paths are simply not in the store. */
const MAX_PATH_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;

/** File system errors that mean "no such page" for a path a reader typed, e.g. a file used as a folder. */
const NOT_A_PAGE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'EINVAL']);

/** The same security headers the CDN adds on AWS. */
export const SITE_SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** The store key a request path names, or the status that says why it names none. */
export function siteKeyOf(requestPath: string): string | 400 | 404 {
  let key: string;
  try {
    key = decodeURIComponent(requestPath).replace(/^\/+/, '');
  } catch {
    return 400;
  }
  if (/[\p{Cc}\\]/u.test(key)) return 400;
  const segments = key.split('/');
  if (segments.some((part) => part === '..' || part.startsWith('.'))) return 404;
  if (Buffer.byteLength(key) > MAX_PATH_BYTES || segments.some((part) => Buffer.byteLength(part) > MAX_SEGMENT_BYTES)) return 404;
  return key === '' || key.endsWith('/') ? `${key}index.html` : key;
}

/** A same-origin path: one leading slash whatever the request had ("//evil.example/x" stays on this site). */
function folderPath(key: string): string {
  return `/${key.split('/').map(encodeURIComponent).join('/')}/`;
}

async function read(site: ObjectStore, key: string): Promise<Uint8Array | undefined> {
  try {
    return await site.get(key);
  } catch (e) {
    if (NOT_A_PAGE.has((e as NodeJS.ErrnoException)?.code ?? '')) return undefined;
    throw e;
  }
}

export function serveSite(site: ObjectStore) {
  /** The shell's 404 page, as CloudFront answers on AWS; plain text if the shell is not published. */
  const notFound = async (c: Context) => {
    const page = await read(site, '404.html');
    if (!page) return c.text('Not found', 404, SITE_SECURITY_HEADERS);
    return c.body(page as Uint8Array<ArrayBuffer>, 404, { 'content-type': 'text/html; charset=utf-8', ...SITE_SECURITY_HEADERS });
  };
  return async (c: Context) => {
    const key = siteKeyOf(c.req.path);
    if (key === 400) return c.text('Bad path', 400, SITE_SECURITY_HEADERS);
    if (key === 404) return notFound(c);
    const ext = key.split('.').pop() ?? '';
    const type = TYPES.get(ext);
    if (type === undefined) {
      // "/statements/x" -> "/statements/x/" when that page exists.
      if (await read(site, `${key}/index.html`)) return c.redirect(folderPath(key), 301);
      return notFound(c);
    }
    const body = await read(site, key);
    if (!body) return notFound(c);
    // S3 serves an attachment with the disposition it was stored with; the same is derived here from its key.
    const attachment = attachmentHeadersOf(key);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': type,
      ...(attachment ? { 'content-disposition': attachment.contentDisposition } : {}),
      'cache-control': isImmutableIndexFile(key)
        ? IMMUTABLE_CACHE_CONTROL
        : ext === 'html' || ext === 'json'
          ? 'no-cache'
          : 'public, max-age=300',
      ...SITE_SECURITY_HEADERS,
    });
  };
}
