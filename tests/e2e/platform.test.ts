// End to end on the running local platform: a key from the CLI, submissions over HTTP, and within
// 5 seconds the page is served, a real Chromium finds the statement on /search/, and the outbox holds
// exactly one email per matching subscriber.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { searchSite } from '../../shared/search/store-search.js';
import { launchBrowser } from '../helpers/browser.js';
import { aStatementInput } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';
import { issueKey, type RunningPlatform, runCli, startPlatform, waitFor } from '../helpers/platform-process.js';
import { XSS_PAYLOADS } from '../helpers/xss.js';

let dataDir: string;
let platform: RunningPlatform;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const keys: Record<string, string> = {};

async function submit(party: string, input: unknown): Promise<{ id: string; title: string }> {
  const res = await fetch(`${platform.url}/v1/statements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[party]}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; title: string };
}

const outboxFiles = () => {
  const dir = path.join(dataDir, 'outbox');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
};

async function searchInBrowser(query: string): Promise<string[]> {
  const page = await browser.newPage();
  try {
    await page.goto(`${platform.url}/search/?q=${encodeURIComponent(query)}`);
    await page.waitForSelector('body[data-search-state="done"]', { timeout: 5_000 });
    return await page.$$eval('#search-results li h2 a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  dataDir = tempDir();
  [platform, browser] = await Promise.all([startPlatform(dataDir), launchBrowser()]);
  // The demo backlog renders in the background after the server listens; the platform says when it is done.
  await waitFor('the demo site', async () => platform.output().includes('demo site ready'), 60_000);
  for (const party of ['tudeh', 'jcp', 'kke']) keys[party] = await issueKey(dataDir, party);
  for (const args of [
    ['--email', 'farsi@example.org', '--language', 'fa'],
    ['--email', 'jcp@example.org', '--party', 'jcp'],
    ['--email', 'tkp-only@example.org', '--party', 'tkp'],
  ]) {
    expect((await runCli(dataDir, ['subscribers', 'add', ...args])).code).toBe(0);
  }
}, 120_000);

// A failure shows what the platform itself printed (consumer errors, retries) next to the assertion.
beforeEach(() => {
  onTestFailed(() => {
    console.error(`platform output (last 4000 characters):\n${platform?.output().slice(-4000)}`);
  });
});

afterAll(async () => {
  await browser?.dispose();
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('says where the site, the desk and the API are, and how to get a press key, on its first line', () => {
    const first = platform.output().split('\n')[0];
    expect(first).toContain(`${platform.url}/`);
    expect(first).toContain(`${platform.url}/desk/`);
    expect(first).toContain(`${platform.url}/v1/docs`);
    expect(first).toContain('keys issue --party');
  });

  it('serves the demo statements on first start, once it says the demo site is ready', async () => {
    expect(platform.output()).toMatch(/demo site ready: 24 statements rendered and indexed in \d+\.\d s/);
    const home = await (await fetch(`${platform.url}/`)).text();
    expect(home).toContain('The 21st IMCWP has been completed after four days.');
    const tudeh = await (await fetch(`${platform.url}/parties/tudeh/`)).text();
    expect(tudeh).toContain('Tudeh Party of Iran');
  });
});

describe('submit → page, search, email', () => {
  it.each([
    ['tudeh', 'fa', 'کارگران کارخانه هپکو و آذرآب دستمزد نگرفته‌اند', 'دستمزد', 'rtl'],
    ['jcp', 'ja', '日本共産党は労働者の権利を守るために闘う', '権利', 'ltr'],
  ])('publishes a %s statement in %s: page, search, one email per subscriber', async (party, language, body, word, dir) => {
    const before = outboxFiles().length;
    const started = Date.now();
    const s = await submit(party, aStatementInput({ language, body, title: `${language} statement ${body.slice(0, 8)}`, summary: '' }));

    const html = await waitFor('the statement page', async () => {
      const res = await fetch(`${platform.url}/statements/${s.id}/`);
      return res.ok && (await res.text());
    });
    expect(html).toContain(`<html lang="${language}" dir="${dir}">`);
    expect(html).toContain(body);

    const hrefs = await waitFor('search to find it', async () => {
      const found = await searchInBrowser(word);
      return found.includes(`/statements/${s.id}/`) && found;
    });
    expect(hrefs).toContain(`/statements/${s.id}/`);

    await waitFor('its email', async () => outboxFiles().length === before + 1);
    expect(Date.now() - started).toBeLessThan(5_000 + 2_000);
    const mine = outboxFiles().filter((f) => f.startsWith(s.id));
    expect(mine).toHaveLength(1);
    const mail = await simpleParser(fs.readFileSync(path.join(dataDir, 'outbox', mine[0] as string)));
    expect((mail.to as { text: string }).text).toBe(party === 'tudeh' ? 'farsi@example.org' : 'jcp@example.org');
    // A while later, still exactly one: redelivery or the other consumers add nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect(outboxFiles().filter((f) => f.startsWith(s.id))).toHaveLength(1);
    expect(outboxFiles()).toHaveLength(before + 1);
  });
});

describe('untrusted text', () => {
  it('never reaches a page as live markup, in any field', async () => {
    const payload = XSS_PAYLOADS.join('\n\n');
    const s = await submit(
      'kke',
      aStatementInput({
        title: XSS_PAYLOADS.slice(0, 6).join(' ').replace(/\n/g, ' '),
        summary: payload,
        body: `Strike xsscheck\n\n${payload}`,
        language: 'el',
      }),
    );
    await waitFor('the statement page', async () => (await fetch(`${platform.url}/statements/${s.id}/`)).ok);
    await waitFor('the search entry', async () => (await searchSite(platform.url, 'xsscheck')).includes(s.id));
    for (const pagePath of [`/statements/${s.id}/`, '/', '/parties/kke/', '/search/?q=xsscheck']) {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`${platform.url}${pagePath}`);
      if (pagePath.startsWith('/search/')) {
        await page.waitForSelector('body[data-search-state="done"]');
        expect(await page.$$eval('#search-results li', (li) => li.length)).toBe(1);
      }
      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        handlers: [...document.querySelectorAll('*')].flatMap((el) =>
          [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name),
        ),
        // JSON-LD data blocks are never executed; every script that runs must be the site's own.
        scripts: [...document.scripts].filter((sc) => sc.type !== 'application/ld+json').map((sc) => sc.src),
        jsonLd: [...document.scripts].filter((sc) => sc.type === 'application/ld+json').map((sc) => sc.textContent ?? ''),
        title: document.querySelector('h1')?.textContent ?? '',
      }));
      expect(state.pwned, pagePath).toBeUndefined();
      expect(state.handlers, pagePath).toEqual([]);
      expect(
        state.scripts.every((src) => src.endsWith('/assets/search.js')),
        pagePath,
      ).toBe(true);
      expect(dialogs).toEqual([]);
      if (pagePath.startsWith('/statements/')) {
        expect(state.title).toContain('<script>window.__pwned = 1</script>');
        expect(state.jsonLd).toHaveLength(1);
        expect((JSON.parse(state.jsonLd[0] as string) as { headline: string }).headline).toContain('<script>window.__pwned = 1</script>');
      }
      await page.close();
    }
  });
});
