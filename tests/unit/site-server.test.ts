// The local server's static site: index resolution, redirects, security headers, nothing outside the store.
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { tempDir } from '../helpers/local-platform.js';

const dir = tempDir();
const app = new Hono();

beforeAll(async () => {
  const site = new FileObjectStore(path.join(dir, 'site'));
  await site.put('index.html', '<h1>home</h1>', 'text/html');
  await site.put('statements/abc/index.html', '<h1>one</h1>', 'text/html');
  await site.put('assets/site.css', 'body{}', 'text/css');
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
    expect((await app.request('/statements/none/')).status).toBe(404);
    expect((await app.request('/../secret.db')).status).toBe(404);
    expect((await app.request('/%2e%2e/secret.db')).status).toBe(404);
    expect((await app.request('/.hidden')).status).toBe(404);
    expect((await app.request('/%zz')).status).toBe(400);
  });
});
