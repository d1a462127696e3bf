// The search page in Chromium, against an index on real files served as the site serves it: ranked,
// marked results; facets that filter and live in the URL, with the back button; results as the reader
// types; more results on demand; statements' text never becoming markup; and a page without JavaScript.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { ProcessLocks } from '../../shared/adapters/local/process-locks.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { baseBuilder, indexChanges, installBase } from '../../shared/search/indexer.js';
import type { IndexDoc } from '../../shared/search/segment-builder.js';
import { publishSiteShell } from '../../shared/site/shell.js';
import { launchBrowser } from '../helpers/browser.js';
import { tempDir } from '../helpers/local-platform.js';
import { XSS_PAYLOADS } from '../helpers/xss.js';

const root = tempDir('communique-search-page-');
let url: string;
let close: () => void;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let noScript: Awaited<ReturnType<typeof launchBrowser>>;

const PAYLOAD = XSS_PAYLOADS.slice(0, 4).join(' ');
const kke = { id: 'kke', name: 'Communist Party of Greece', country: 'GR' };
const tudeh = { id: 'tudeh', name: `Tudeh Party of Iran ${XSS_PAYLOADS[1]}`, country: 'IR' };

function doc(i: number, over: Partial<IndexDoc>): IndexDoc {
  return {
    id: `st-${String(i).padStart(4, '0')}`,
    version: 1,
    title: `Statement ${i}`,
    summary: '',
    body: 'Text of the statement.',
    language: 'en',
    rtl: false,
    parties: [kke],
    countries: ['GR'],
    topics: ['peace'],
    publishedAt: `20${String(10 + (i % 15)).padStart(2, '0')}-05-01T10:00:00Z`,
    ...over,
  };
}

beforeAll(async () => {
  const site = new FileObjectStore(root);
  await publishSiteShell(site, undefined, 'http://localhost');
  // A base of 30 statements about a strike (some in Greek), then a delta with a Persian one and a payload.
  const builder = baseBuilder();
  for (let i = 1; i <= 30; i++) {
    builder.add(
      i % 3 === 0
        ? doc(i, { title: `Απεργία στα λιμάνια ${i}`, body: 'Οι λιμενεργάτες απεργούν.', language: 'el', topics: ['strikes'] })
        : doc(i, { title: `General strike ${i}`, body: `The dockers strike again. ${'More words. '.repeat(i)}` }),
    );
  }
  const locks = new ProcessLocks();
  const nothing = { load: async (ids: string[]) => ids.map(() => undefined), all: async function* () {} };
  await installBase(site, locks, builder, nothing, undefined);
  const late = [
    doc(31, {
      title: 'اعتصاب کارگران نفت',
      body: 'کارگران نفت در اعتصاب هستند.',
      language: 'fa',
      rtl: true,
      parties: [tudeh],
      countries: ['IR'],
    }),
    doc(32, { title: `${PAYLOAD} xsscheck`, summary: PAYLOAD, body: `${PAYLOAD} xsscheck in the body` }),
  ];
  await indexChanges(
    site,
    locks,
    late.map((d) => d.id),
    { load: async (ids) => ids.map((id) => late.find((d) => d.id === id)), all: async function* () {} },
  );
  const app = new Hono();
  app.get('*', serveSite(site));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
  [browser, noScript] = await Promise.all([launchBrowser(), launchBrowser({ javaScript: false })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([browser?.dispose(), noScript?.dispose()]);
  close?.();
  fs.rmSync(root, { recursive: true, force: true });
});

async function open(path: string) {
  const page = await browser.newPage();
  await page.goto(`${url}${path}`);
  await page.waitForSelector('body[data-search-state="done"]');
  return page;
}

const titles = (page: Awaited<ReturnType<typeof open>>) =>
  page.$$eval('#search-results li h2 a', (as) => as.map((a) => a.textContent ?? ''));

describe('the search page', () => {
  it('shows ranked results for the query in the URL, with the matched words marked and more on demand', async () => {
    const page = await open('/search/?q=strike');
    // 20 English statements say it; the 10 Greek ones are on the topic "strikes".
    expect(await page.textContent('#search-status')).toBe('30 statements for “strike”, showing 10');
    const first = await titles(page);
    expect(first).toHaveLength(10);
    // The shortest statement with the word in its title ranks first.
    expect(first[0]).toBe('General strike 1');
    expect(await page.$$eval('#search-results li:first-child mark', (m) => m.map((x) => x.textContent))).toEqual(['strike']);
    expect(await page.inputValue('#q')).toBe('strike');
    await page.click('#search-more');
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 20);
    expect(await page.isHidden('#search-more')).toBe(false);
    await page.close();
  });

  it('filters by a facet from its checkbox, keeps it in the URL, and goes back with the back button', async () => {
    const page = await open('/search/?q=strike');
    const languages = await page.$$eval('#search-facets fieldset', (sets) =>
      sets
        .filter((s) => s.querySelector('legend')?.textContent === 'Language')
        .flatMap((s) => [...s.querySelectorAll('label')].map((l) => l.textContent?.trim())),
    );
    expect(languages).toEqual(['English (20)', 'Greek (10)']);
    await page.check('input[name="language"][value="el"]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('language') === 'el');
    await page.waitForSelector('body[data-search-state="done"]');
    expect((await titles(page)).every((t) => t.startsWith('Απεργία'))).toBe(true);
    expect(await page.textContent('#search-status')).toBe('10 statements for “strike”');
    // The filter's own facet still offers the other language, with its count.
    expect(
      await page.$$eval('input[name="language"]', (inputs) =>
        inputs.map((i) => [(i as HTMLInputElement).value, (i as HTMLInputElement).checked]),
      ),
    ).toEqual([
      ['en', false],
      ['el', true],
    ]);
    await page.goBack();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('language'));
    await page.waitForSelector('body[data-search-state="done"]');
    expect(await titles(page)).toHaveLength(10);
    await page.close();
  });

  it('shows the eight most frequent values of a facet, and the others behind "more"', async () => {
    const page = await open('/search/');
    const years = await page.$$eval('#search-facets fieldset', (sets) => {
      const set = sets.find((s) => s.querySelector('legend')?.textContent === 'Year');
      return {
        shown: set?.querySelectorAll(':scope > label').length,
        more: set?.querySelector('details summary')?.textContent,
        hidden: set?.querySelectorAll('details label').length,
      };
    });
    expect(years).toEqual({ shown: 8, more: '7 more', hidden: 7 });
    await page.click('#search-facets details summary');
    await page.check('#search-facets details input[name="year"] >> nth=0');
    await page.waitForFunction(() => new URLSearchParams(location.search).has('year'));
    await page.waitForSelector('body[data-search-state="done"]');
    // The chosen value now shows outside "more".
    const chosen = await page.$$eval('#search-facets input[name="year"]:checked', (inputs) =>
      inputs.map((i) => i.closest('details') === null),
    );
    expect(chosen).toEqual([true]);
    await page.close();
  });

  it('browses by filters alone, newest first, and finds Greek and Persian words in their own scripts', async () => {
    const page = await open('/search/?language=el');
    expect(await page.textContent('#search-status')).toBe('10 statements');
    expect((await titles(page))[0]).toBe('Απεργία στα λιμάνια 30');
    const greek = await open('/search/?q=%CE%B1%CF%80%CE%B5%CF%81%CE%B3%CE%AF%CE%B5%CF%82');
    expect(await titles(greek)).toHaveLength(10);
    const persian = await open(`/search/?q=${encodeURIComponent('اعتصاب')}`);
    expect(await titles(persian)).toEqual(['اعتصاب کارگران نفت']);
    expect(await persian.$eval('#search-results li', (li) => [li.getAttribute('lang'), li.getAttribute('dir')])).toEqual(['fa', 'rtl']);
    await Promise.all([page.close(), greek.close(), persian.close()]);
  });

  it('searches as the reader types, matching the last word as a beginning', async () => {
    const page = await open('/search/');
    await page.fill('#q', 'dock');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'dock');
    await page.waitForSelector('body[data-search-state="done"]');
    expect((await titles(page)).length).toBeGreaterThan(0);
    await page.close();
  });

  it('never turns a statement’s text or a party’s name into markup', async () => {
    const page = await open('/search/?q=xsscheck');
    expect(await titles(page)).toEqual([`${PAYLOAD} xsscheck`]);
    const persian = await open(`/search/?q=${encodeURIComponent('کارگران')}`);
    for (const p of [page, persian]) {
      expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await p.$$('#search-results script, #search-results img, #search-results svg, #search-results iframe')).toEqual([]);
    }
    expect(await persian.textContent('#search-results .meta')).toContain(tudeh.name);
    await Promise.all([page.close(), persian.close()]);
  });

  it('says without JavaScript that search needs it, and links to the listings', async () => {
    const page = await noScript.newPage();
    await page.goto(`${url}/search/?q=strike`);
    const notice = await page.textContent('noscript');
    expect(notice).toContain('Search runs in your browser and needs JavaScript');
    const html = await page.content();
    for (const href of ['/parties/', '/countries/', '/languages/', '/topics/', '/archive/']) expect(html).toContain(`href="${href}"`);
    await page.close();
  });
});
