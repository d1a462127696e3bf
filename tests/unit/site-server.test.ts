// The local server's static site: index resolution, redirects, security headers, nothing outside the store.
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { tempDir } from '../helpers/local-platform.js';

const dir = tempDir();
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const app = new Hono();

beforeAll(async () => {
  const site = new FileObjectStore(path.join(dir, 'site'));
  await site.put('index.html', '<h1>home</h1>', 'text/html');
  await site.put('statements/abc/index.html', '<h1>one</h1>', 'text/html');
  await site.put('assets/site.css', 'body{}', 'text/css');
  await site.put('404.html', '<h1>No such page</h1>', 'text/html');
  for (const ext of PROTOTYPE_NAMES) await site.put(`files/notes.${ext}`, 'not a page', 'text/plain');
  fs.writeFileSync(path.join(dir, 'secret.db'), 'not for readers');
  app.get('*', serveSite(site));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('serveSite', () => {
  it('serves index.html for a folder, with the CSP and nosniff headers', async () => {
    const res = await app.request('/statements/abc/');
    expect(await res.text()).toBe('<h1>one</h1>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await (await app.request('/')).text()).toBe('<h1>home</h1>');
  });
  it('redirects a folder without its slash', async () => {
    const res = await app.request('/statements/abc');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/statements/abc/');
  });
  it('answers 404 for what is not there and for paths that climb out', async () => {
    const missing = await app.request('/statements/none/');
    expect(missing.status).toBe(404);
    // The shell's 404 page, as CloudFront answers it on AWS.
    expect(await missing.text()).toBe('<h1>No such page</h1>');
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await app.request('/../secret.db')).status).toBe(404);
    expect((await app.request('/%2e%2e/secret.db')).status).toBe(404);
    expect((await app.request('/.hidden')).status).toBe(404);
    expect((await app.request('/%zz')).status).toBe(400);
  });
  it('answers 400 for a NUL byte or another control character, never 500', async () => {
    expect((await app.request('/index.html%00.css')).status).toBe(400);
    expect((await app.request('/statements/%00')).status).toBe(400);
    expect((await app.request('/statements/a%0Ab/')).status).toBe(400);
  });
  it('answers 404 for an over-long path or path segment, and for a file used as a folder', async () => {
    expect((await app.request(`/${'a/'.repeat(600)}x.html`)).status).toBe(404);
    expect((await app.request(`/statements/${'a'.repeat(256)}/`)).status).toBe(404);
    expect((await app.request(`/${'%C3%A9'.repeat(200)}/index.html`)).status).toBe(404);
    expect((await app.request('/index.html/x.html')).status).toBe(404);
  });
  it('never redirects to another host, whatever the leading slashes', async () => {
    for (const evil of ['//statements/abc', '///statements/abc', '/%2Fstatements/abc', '//%2F/statements/abc']) {
      const res = await app.request(`http://localhost${evil}`);
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/statements/abc/');
    }
    expect((await app.request('http://localhost//evil.example.com/x')).status).toBe(404);
  });
  it('serves no file whose extension is named like an Object.prototype member', async () => {
    for (const ext of PROTOTYPE_NAMES) {
      const res = await app.request(`/files/notes.${ext}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('<h1>No such page</h1>');
    }
  });
});
