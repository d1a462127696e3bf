// The listing pages on the embedded platform: archive pages anchored at the oldest statement, a first
// page with the newest and links to the archive, index pages with counts, statement pages linked to
// their neighbours, and a publish that writes a bounded set of files.
import { Readable } from 'node:stream';
import { parseSitemap } from 'sitemap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPages } from '../../shared/consumers/render-pages.js';
import { ARCHIVE_PAGE_SIZE } from '../../shared/domain/listings.js';
import type { Statement } from '../../shared/domain/statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput, publishedEvent, siteText } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
const made: Statement[] = [];
const text = (key: string) => siteText(p.site, key);
/** The statement ids a page links to, in the order shown. */
const linked = (html: string) => [...html.matchAll(/<h2 dir="auto"><a href="\/statements\/([^/]+)\/">/g)].map((m) => m[1]);

/** One more statement, published and rendered; resolves to the files its render wrote. */
async function publish(party: string, extra: Parameters<typeof aStatementInput>[0] = {}): Promise<string[]> {
  const n = made.length;
  // Dates out of order: listings follow the order of publication here, not the dates given.
  const publishedAt = new Date(Date.UTC(2024, 0, 1) + ((n * 7) % 30) * 86_400_000 + n * 60_000).toISOString();
  const { statement } = await submitStatement(
    p,
    party,
    aStatementInput({ title: `Statement ${n}`, topics: n % 2 ? ['peace'] : ['nato', 'peace'], publishedAt, ...extra }),
  );
  made.push(statement);
  return renderPages(p, publishedEvent(statement));
}

beforeAll(async () => {
  p = await aLocalPlatform();
  for (let i = 0; i < ARCHIVE_PAGE_SIZE + 3; i++) await publish(i % 3 ? 'kke' : 'tkp', { language: i % 3 ? 'el' : 'tr' });
});
afterAll(() => p.cleanup());

describe('archive pages', () => {
  it('hold the oldest statements on page 1 and the rest on page 2, newest first on each', async () => {
    const ids = made.map((s) => s.id);
    expect(linked(await text('page/1/index.html'))).toEqual(ids.slice(0, ARCHIVE_PAGE_SIZE).reverse());
    expect(linked(await text('page/2/index.html'))).toEqual(ids.slice(ARCHIVE_PAGE_SIZE).reverse());
  });

  it('link older and newer pages, and the newest page back to the first page', async () => {
    const one = await text('page/1/index.html');
    expect(one).toContain('<a rel="next" href="/page/2/">Newer: page 2</a>');
    expect(one).not.toContain('rel="prev"');
    const two = await text('page/2/index.html');
    expect(two).toContain('<a rel="prev" href="/page/1/">Older: page 1</a>');
    expect(two).toContain('<a href="/">Newest statements</a>');
  });

  it('give the listing’s first page the newest statements, its feeds and links to every archive page', async () => {
    const home = await text('index.html');
    expect(linked(home)).toEqual(
      made
        .map((s) => s.id)
        .reverse()
        .slice(0, ARCHIVE_PAGE_SIZE),
    );
    expect(home).toContain('href="/page/2/">Page 2 (newest)');
    expect(home).toContain('href="/page/1/">Page 1 (oldest)');
    expect(home).toContain(`All ${ARCHIVE_PAGE_SIZE + 3} statements, page by page`);
    expect(home).toContain('<link rel="alternate" type="application/atom+xml" title="Latest statements (Atom)" href="/feed.xml"/>');
    const topic = await text('topics/nato/index.html');
    expect(topic).toContain('<h1>Topic: nato</h1>');
    expect(linked(topic)).toEqual(
      made
        .filter((_, n) => n % 2 === 0)
        .map((s) => s.id)
        .reverse(),
    );
    expect(await text('topics/nato/feed.json')).toContain('"title": "Topic: nato · Communiqué"');
  });

  it('stay as they are when a statement is published: only the newest archive page changes', async () => {
    const before = await text('page/1/index.html');
    const written = await publish('kke', { language: 'el' });
    expect(await text('page/1/index.html')).toBe(before);
    expect(written).toContain('page/2/index.html');
    expect(written).not.toContain('page/1/index.html');
  });
});

describe('a publish', () => {
  it('writes a bounded set of files: the statement, its neighbour, its listings’ pages and feeds, indexes and sitemap', async () => {
    const written = await publish('tkp', { language: 'tr', countries: ['TR'] });
    const s = made.at(-1) as Statement;
    const previousOfTkp = made.filter((x) => x.party === 'tkp').at(-2) as Statement;
    const listings = ['', 'parties/tkp/', 'countries/tr/', 'languages/tr/', 'topics/peace/', 'archive/2024/'];
    const archivePage = /(^|\/)page\/\d+\/index\.html$/;
    const expected = [
      `statements/${s.id}/index.html`,
      `statements/${previousOfTkp.id}/index.html`,
      ...listings.map((f) => `${f}index.html`),
      ...['parties', 'countries', 'languages', 'topics', 'archive'].map((k) => `${k}/index.html`),
      'sitemaps/2024-01.xml',
    ];
    expect(written.filter((k) => !archivePage.test(k)).sort()).toEqual(expected.sort());
    // One archive page per listing: the one that holds the statement.
    expect(written.filter((k) => archivePage.test(k))).toHaveLength(listings.length);
    // Each listing's feeds were written with its first page.
    for (const folder of listings) expect(await text(`${folder}feed.json`), folder).toContain(`/statements/${s.id}/`);
  });
});

describe('index pages', () => {
  it('count the statements of each party, country, language, topic and year, linking to their pages', async () => {
    const kkeCount = made.filter((s) => s.party === 'kke').length;
    expect(await text('parties/index.html')).toMatch(
      new RegExp(`<a href="/parties/kke/">Communist Party of Greece</a> <span class="meta">Greece · ${kkeCount} statements</span>`),
    );
    // A party that has published nothing is named, without a link.
    expect(await text('parties/index.html')).toContain('Japanese Communist Party <span class="meta">Japan · 0 statements</span>');
    expect(await text('languages/index.html')).toContain('<a href="/languages/el/">Greek (<span lang="el" dir="ltr">Ελληνικά</span>)</a>');
    expect(await text('parties/tkp/index.html')).toContain('writes in <span lang="tr" dir="ltr">Türkçe</span>');
    expect(await text('topics/index.html')).toContain(
      `<a href="/topics/peace/">peace</a> <span class="meta">${made.length} statements</span>`,
    );
    expect(await text('archive/index.html')).toContain(
      `<a href="/archive/2024/">2024</a> <span class="meta">${made.length} statements</span>`,
    );
  });

  it('are in the sitemap with every listing', async () => {
    const pages = await parseSitemap(Readable.from([await text('sitemaps/pages.xml')]));
    expect(pages.map((i) => new URL(i.url).pathname)).toEqual(
      expect.arrayContaining(['/', '/countries/', '/countries/gr/', '/languages/tr/', '/topics/nato/', '/archive/2024/', '/parties/tkp/']),
    );
  });
});

describe('statement pages', () => {
  it('link the previous and next statement of the same party, and its topics', async () => {
    const kke = made.filter((s) => s.party === 'kke');
    const middle = await text(`statements/${kke[1]?.id}/index.html`);
    expect(middle).toContain(`<a rel="prev" href="/statements/${kke[0]?.id}/" lang="el" dir="ltr">Statement 1</a>`);
    expect(middle).toContain(`<a rel="next" href="/statements/${kke[2]?.id}/" lang="el" dir="ltr">`);
    expect(middle).toContain('<a href="/topics/peace/">peace</a>');
    const last = await text(`statements/${kke.at(-1)?.id}/index.html`);
    expect(last).not.toContain('rel="next"');
  });
});

describe('languages written right to left', () => {
  it('are named in their own script with their direction, inside the English pages', async () => {
    await publish('tudeh', { language: 'fa' });
    expect(await text('languages/index.html')).toContain('<a href="/languages/fa/">Persian (<span lang="fa" dir="rtl">فارسی</span>)</a>');
    expect(await text('parties/tudeh/index.html')).toContain('writes in <span lang="fa" dir="rtl">فارسی</span>');
    expect(await text('languages/fa/index.html')).toMatch(/<li lang="fa" dir="rtl"><h2 dir="auto">/);
  });
});
