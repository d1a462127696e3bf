// Every page type of the running platform (demo data), in Chromium: axe-core finds no violation, and
// nothing is wider than a 360 px phone screen. Listing pages carry the subscribe form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { tempDir } from '../helpers/local-platform.js';
import { type RunningPlatform, startPlatform, waitFor } from '../helpers/platform-process.js';

let platform: RunningPlatform;
// Axe is injected into the pages, which the site's CSP (rightly) forbids: this browser bypasses it.
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const pages: Array<[string, string]> = [];

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(tempDir()), launchBrowser({ bypassCSP: true })]);
  await waitFor('the demo site', async () => platform.output().includes('demo site ready'), 60_000);
  const home = await (await fetch(`${platform.url}/`)).text();
  const ids = [...home.matchAll(/href="\/statements\/([a-z0-9]+)\/"/g)].map((m) => m[1] as string);
  const persian = await (await fetch(`${platform.url}/parties/tudeh/`)).text();
  const rtl = /href="\/statements\/([a-z0-9]+)\/"/.exec(persian)?.[1] as string;
  const year = /href="\/archive\/(\d{4})\/"/.exec(await (await fetch(`${platform.url}/archive/`)).text())?.[1] as string;
  pages.push(
    ['home', '/'],
    ['archive page', '/page/1/'],
    ['parties index', '/parties/'],
    ['party', '/parties/kke/'],
    ['countries index', '/countries/'],
    ['country', '/countries/gr/'],
    ['languages index', '/languages/'],
    ['language (right-to-left statements)', '/languages/fa/'],
    ['topics index', '/topics/'],
    ['topic', '/topics/peace/'],
    ['years index', '/archive/'],
    ['year', `/archive/${year}/`],
    ['statement', `/statements/${ids[0]}/`],
    ['right-to-left statement', `/statements/${rtl}/`],
    ['search', '/search/?q=strike'],
    ['search filtered, no words', '/search/?language=en&year=2026'],
    ['subscribe', '/subscribe/'],
    ['not found', '/no-such-page/'],
  );
}, 120_000);
afterAll(async () => {
  await browser?.dispose();
  await platform?.stop();
});

describe('every page type', () => {
  it('has no axe-core violation', async () => {
    for (const [name, path] of pages) {
      const page = await browser.newPage();
      await page.goto(`${platform.url}${path}`);
      if (name.startsWith('search')) await page.waitForSelector('body[data-search-state="done"]');
      await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe;
        return (await axe.run()).violations.map((v) => `${v.id} (${v.nodes.length})`);
      });
      expect(violations, name).toEqual([]);
      await page.close();
    }
    // Eighteen page types, each loaded and audited in turn: more than the default 30 s on a loaded machine.
  }, 120_000);

  it('fits a 360 px wide screen without sideways scrolling', async () => {
    for (const [name, path] of pages) {
      const page = await browser.newPage();
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${platform.url}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, name).toBeLessThanOrEqual(360);
      await page.close();
    }
  }, 120_000);
});
