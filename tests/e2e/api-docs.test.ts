// The API reference (/v1/docs) in Chromium, served as the platform serves it (the API beside the site's
// shell): it shows every operation, styled, under the site's CSP, with no violation and nothing from elsewhere.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { openApiDocument } from '../../functions/api/openapi.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/site/security-headers.js';
import { publishSiteShell } from '../../shared/site/shell.js';
import { launchBrowser } from '../helpers/browser.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let url: string;
let close: () => void;

beforeAll(async () => {
  p = await aLocalPlatform();
  await publishSiteShell(p.site);
  const root = new Hono();
  root.route('/', createApp(p));
  root.get('*', serveSite(p.site));
  const server = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.dispose();
  close?.();
  p?.cleanup();
});

describe('GET /v1/docs in Chromium', () => {
  it('shows every operation, grouped by tag, styled, with no CSP violation and no request elsewhere', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // The browser asks for /favicon.ico by itself, and the site has none: not the page's doing.
      if (m.location().url.endsWith('/favicon.ico')) return;
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) problems.push(`request elsewhere: ${r.url()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
    });
    // Listening from before the page's first byte: a violation is reported even when nothing logs it.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });

    const res = await page.goto(`${url}/v1/docs`, { waitUntil: 'load' });
    expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await expect(page.locator('h1').textContent()).resolves.toBe('Communiqué API');

    const doc = openApiDocument(p.config);
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    await expect(page.locator('section.operation').count()).resolves.toBe(operations.length);
    const tags = await page.locator('section.tag > h2').allTextContents();
    expect(tags).toEqual(doc.tags.map((t) => t.name));
    await expect(page.locator('#correctStatement').textContent()).resolves.toContain('If-Match');
    await expect(page.locator('#submitStatement').textContent()).resolves.toContain('Idempotency-Key');

    // Both stylesheets applied (the site's and the reference's): a method badge is coloured, the body is the site's.
    const badge = page.locator('#submitStatement .method.post');
    await expect(badge.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe('rgb(31, 79, 153)');
    await expect(page.evaluate(() => getComputedStyle(document.querySelector('main') as Element).maxWidth)).resolves.toBe('1024px');

    // The contents link to each operation, and an example opens.
    await page.locator('nav.contents a[href="#retractStatement"]').click();
    await expect(page.evaluate(() => location.hash)).resolves.toBe('#retractStatement');
    const example = page.locator('#submitStatement details').first();
    await example.locator('summary').click();
    await expect(example.locator('pre').textContent()).resolves.toContain('"language": "el"');

    expect(problems).toEqual([]);
    await page.close();
  });
});
