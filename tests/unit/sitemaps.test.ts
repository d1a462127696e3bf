// The sitemap: an index of one child per month of publication and one of the listing pages, each valid
// (read back by the `sitemap` package's own parsers), each rewritten only when its month gets a statement.
import { Readable } from 'node:stream';
import { parseSitemap, parseSitemapIndex } from 'sitemap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { Statement } from '../../shared/domain/statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput, publishedEvent, siteText } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
const made: Statement[] = [];
const text = (key: string) => siteText(p.site, key);
const SITE = 'http://localhost:3000';

beforeAll(async () => {
  p = await aLocalPlatform();
  for (const at of ['2026-09-10T10:00:00Z', '2026-10-02T10:00:00Z', '2026-10-20T10:00:00Z']) {
    made.push((await submitStatement(p, 'kke', aStatementInput({ publishedAt: at }))).statement);
  }
  // Out of order, as events may come.
  for (const s of [made[2], made[0], made[1]] as Statement[]) await renderPages(p, publishedEvent(s));
});
afterAll(() => p.cleanup());

describe('the sitemap', () => {
  it('indexes the listing pages and one child per month with statements', async () => {
    const index = await parseSitemapIndex(Readable.from([await text('sitemap.xml')]));
    expect(index.map((i) => i.url)).toEqual([`${SITE}/sitemaps/pages.xml`, `${SITE}/sitemaps/2026-09.xml`, `${SITE}/sitemaps/2026-10.xml`]);
  });

  it('lists each month’s statement pages, oldest first, with their dates', async () => {
    const october = await parseSitemap(Readable.from([await text('sitemaps/2026-10.xml')]));
    expect(october.map((i) => i.url)).toEqual([`${SITE}/statements/${made[1]?.id}/`, `${SITE}/statements/${made[2]?.id}/`]);
    expect(october[0]?.lastmod).toBe('2026-10-02T10:00:00.000Z');
    const september = await parseSitemap(Readable.from([await text('sitemaps/2026-09.xml')]));
    expect(september.map((i) => i.url)).toEqual([`${SITE}/statements/${made[0]?.id}/`]);
  });

  it('lists the home page, the parties index and each party’s page', async () => {
    const pages = await parseSitemap(Readable.from([await text('sitemaps/pages.xml')]));
    expect(pages.map((i) => i.url)).toEqual(expect.arrayContaining([`${SITE}/`, `${SITE}/parties/`, `${SITE}/parties/kke/`]));
  });

  it('rewrites only the new statement’s month, not the others', async () => {
    const september = await text('sitemaps/2026-09.xml');
    const late = (await submitStatement(p, 'tkp', aStatementInput({ publishedAt: '2026-10-25T10:00:00Z' }))).statement;
    const written = await renderPages(p, publishedEvent(late));
    expect(written).toContain('sitemaps/2026-10.xml');
    expect(written).not.toContain('sitemaps/2026-09.xml');
    expect(written).not.toContain('sitemap.xml');
    expect(await text('sitemaps/2026-09.xml')).toBe(september);
  });
});
