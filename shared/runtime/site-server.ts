// Serves the site store over HTTP for the embedded platform (on AWS, CloudFront serves the site bucket).
import type { Context } from 'hono';
import type { ObjectStore } from '../ports.js';
import { CONTENT_SECURITY_POLICY } from '../site/security-headers.js';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
};

/** The same security headers the CDN adds on AWS. */
export const SITE_SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

export function serveSite(site: ObjectStore) {
  return async (c: Context) => {
    let key: string;
    try {
      key = decodeURIComponent(c.req.path).replace(/^\/+/, '');
    } catch {
      return c.text('Bad path', 400);
    }
    if (key.split('/').some((part) => part === '..' || part.startsWith('.'))) return c.text('Not found', 404);
    if (key === '' || key.endsWith('/')) key += 'index.html';
    const ext = key.split('.').pop() ?? '';
    if (!(ext in TYPES)) {
      // "/statements/x" -> "/statements/x/" when that page exists.
      if (await site.get(`${key}/index.html`)) return c.redirect(`${c.req.path}/`, 301);
      return c.text('Not found', 404, SITE_SECURITY_HEADERS);
    }
    const body = await site.get(key);
    if (!body) return c.text('Not found', 404, SITE_SECURITY_HEADERS);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': TYPES[ext] as string,
      'cache-control': ext === 'html' || ext === 'json' ? 'no-cache' : 'public, max-age=300',
      ...SITE_SECURITY_HEADERS,
    });
  };
}
