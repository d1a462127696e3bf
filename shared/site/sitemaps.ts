// The sitemap (built with `sitemap`): an index of one child per month of publication plus one of the
// listing pages, so a publish rewrites its month's child and, for a new month, the index: never a file
// that grows with the whole archive. Each child carries what it lists as a comment stamp, so a render
// that read an older list never replaces a newer file (publish-page.ts).
import { Readable } from 'node:stream';
import { SitemapIndexStream, SitemapStream, streamToPromise } from 'sitemap';
import { encodeCursor } from '../adapters/cursor.js';
import { HOME_LISTING, kindFolder, LISTING_KINDS, listingHref } from '../domain/listings.js';
import type { StatementSummary } from '../domain/statement.js';
import { lastModifiedOf, listingKey, statementPath } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { contentsComment, contentsOf, type PageContents, parseContentsComment } from './page-contents.js';
import type { BuiltPage, FileFormat } from './publish-page.js';

export const SITEMAP_INDEX = 'sitemap.xml';
export const PAGES_SITEMAP = 'sitemaps/pages.xml';
export const XML_FILE: FileFormat = { contentType: 'application/xml; charset=utf-8', parse: parseContentsComment };

export function monthOf(publishedAt: string): string {
  return publishedAt.slice(0, 7);
}

export function monthSitemapKey(month: string): string {
  return `sitemaps/${month}.xml`;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

async function xmlOf(stream: SitemapStream | SitemapIndexStream, items: unknown[]): Promise<string> {
  return (await streamToPromise(Readable.from(items).pipe(stream))).toString('utf8');
}

/** The month's statements, oldest first, paged from the listing (a month holds a bounded number). */
async function statementsOf(p: Pick<Platform, 'statements'>, month: string): Promise<StatementSummary[]> {
  const start = `${month}-01T00:00:00.000Z`;
  const found: StatementSummary[] = [];
  let cursor: string | undefined = encodeCursor(`${nextMonth(month)}-01T00:00:00.000Z#`);
  while (cursor) {
    const page = await p.statements.list({ limit: 200, cursor });
    for (const s of page.items) {
      if (s.publishedAt < start) return found.reverse();
      found.push(s);
    }
    cursor = page.nextCursor;
  }
  return found.reverse();
}

export function monthSitemap(p: Pick<Platform, 'statements' | 'config'>, month: string, own: StatementSummary[] = []) {
  return async (): Promise<BuiltPage> => {
    const items = await statementsOf(p, month);
    const contents = contentsOf(items, true);
    const xml = await xmlOf(
      new SitemapStream({ hostname: p.config.siteUrl }),
      // A retracted statement's page stays (marked noindex), out of the sitemap.
      items.filter((s) => !s.retraction).map((s) => ({ url: statementPath(s.id), lastmod: lastModifiedOf(s) })),
    );
    const mustInclude = own.filter((s) => monthOf(s.publishedAt) === month).map(listingKey);
    return { html: `${xml}\n${contentsComment(contents)}\n`, contents, mustInclude };
  };
}

/** The index: every month that has statements (those the published index names, plus these) and the pages. */
export function sitemapIndex(p: Pick<Platform, 'config'>, added: string[]) {
  return async (published?: PageContents): Promise<BuiltPage> => {
    const months = [...new Set([...(published?.entries ?? []).map((e) => e.key), ...added])].sort();
    const contents: PageContents = { entries: months.map((m) => ({ key: m, version: 1 })), complete: true };
    const xml = await xmlOf(new SitemapIndexStream(), [
      `${p.config.siteUrl}/${PAGES_SITEMAP}`,
      ...months.map((m) => `${p.config.siteUrl}/${monthSitemapKey(m)}`),
    ]);
    return { html: `${xml}\n${contentsComment(contents)}\n`, contents, mustInclude: added };
  };
}

/**
 * The listing pages: home, the index of each kind, and the first page of every listing (archive pages
 * are reached from those). Its stamp names the listings, so an older read never drops one.
 */
export function pagesSitemap(p: Pick<Platform, 'config' | 'listings'>) {
  return async (): Promise<BuiltPage> => {
    const listings = (await p.listings.sizes('')).map((s) => s.listing).filter((l) => l !== HOME_LISTING);
    const contents: PageContents = { entries: listings.map((l) => ({ key: l, version: 1 })), complete: true };
    const xml = await xmlOf(new SitemapStream({ hostname: p.config.siteUrl }), [
      '/',
      ...LISTING_KINDS.map((k) => `/${kindFolder(k)}`),
      ...listings.map((l) => listingHref(l)),
    ]);
    return { html: `${xml}\n${contentsComment(contents)}\n`, contents };
  };
}

/**
 * The sitemap files that publishing in these months touches: each month's child, the index (which only
 * gains months) and the pages child. `own`: the statements whose publication asked, which must be listed.
 */
export function sitemapFiles(p: Pick<Platform, 'statements' | 'listings' | 'config'>, months: string[], own: StatementSummary[] = []) {
  return [
    ...months.map((month) => ({ key: monthSitemapKey(month), build: monthSitemap(p, month, own), format: XML_FILE })),
    { key: SITEMAP_INDEX, build: sitemapIndex(p, months), format: XML_FILE },
    { key: PAGES_SITEMAP, build: pagesSitemap(p), format: XML_FILE },
  ];
}
