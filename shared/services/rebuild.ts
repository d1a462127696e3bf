// Rebuilds the whole site from the stored statements: the shell, every statement page, every listing's
// archive and first pages with their feeds, the index pages, the sitemap and the search index. It walks
// the listings page by page (memory does not grow with the archive) and uses the same builders as
// render-pages, so a rebuild writes exactly what the publishes wrote. Pages are written forwards only
// (publish-page.ts): on AWS the fan-out runs beside the consumers; locally the CLI and a running
// `npm start` share no lock, so stop it first or rebuild into another folder.
import { inParallel } from '../concurrency/in-parallel.js';
import { indexDocOf, isSearchable, statementIndexSource, statementsInOrder } from '../consumers/index-search.js';
import { ARCHIVE_PAGE_SIZE, archivePageCount, HOME_LISTING, LISTING_KINDS } from '../domain/listings.js';
import type { Party } from '../domain/party.js';
import type { Platform } from '../platform.js';
import { baseBuilder, currentBase, installBase } from '../search/indexer.js';
import { publishPage } from '../site/publish-page.js';
import { publishSiteShell } from '../site/shell.js';
import { archivePage, kindIndex, kindsOf, listingFront, type SiteContext, type SitePage, statementPage } from '../site/site-pages.js';
import { monthOf, sitemapFiles } from '../site/sitemaps.js';
import { publishAttachmentFiles } from './attachments.js';

const FORMAT_1_PREFIXES = ['search/shards/', 'search/docs/'];

export interface RebuildReport {
  /** Files built (pages, feeds, sitemaps), and how many of them differed from what was there. */
  built: number;
  written: number;
  /** What the rebuild expects to build, for a progress bar. */
  total: number;
  statements: number;
  /** Statements put into the search index, and the time that took (ms): analysing them, then writing the segment. */
  indexed: number;
  indexMs: number;
}

export interface RebuildOptions {
  onProgress?: (report: RebuildReport) => void;
  /** Statements read and rendered at once. */
  concurrency?: number;
  /** Statements read per step of the walk. */
  indexBatch?: number;
}

export async function rebuildSite(
  source: Pick<Platform, 'statements' | 'listings' | 'blobs' | 'parties' | 'config'>,
  target: Pick<Platform, 'site' | 'locks'>,
  opts: RebuildOptions = {},
): Promise<RebuildReport> {
  const concurrency = opts.concurrency ?? 16;
  const sizes = await source.listings.sizes('');
  const homeSize = sizes.find((s) => s.listing === HOME_LISTING)?.size ?? 0;
  const report: RebuildReport = {
    built: 0,
    written: 0,
    statements: 0,
    indexed: 0,
    indexMs: 0,
    // Statement pages, archive and first pages, feeds (counted with their page), indexes, sitemaps.
    total: homeSize + sizes.reduce((n, s) => n + archivePageCount(s.size) + 1, 0) + LISTING_KINDS.length + 2,
  };
  let lastReport = 0;
  const progress = (force = false) => {
    if (force || Date.now() - lastReport > 200) {
      lastReport = Date.now();
      opts.onProgress?.({ ...report });
    }
  };
  const ctx: SiteContext = { p: source, parties: new Map<string, Party>((await source.parties.list()).map((x) => [x.id, x])) };
  const publish = async ({ key, build, format }: SitePage) => {
    if (await publishPage(target, key, build, format)) report.written++;
    report.built++;
    progress();
  };

  await publishSiteShell(target.site, undefined, source.config.siteUrl);

  // Statement pages and the search index, walking every statement once, in chunks, in publication order
  // (the order a compaction of the index walks in too, so both build the same segment).
  const months = new Set<string>();
  const chunk = Math.max(opts.indexBatch ?? 500, ARCHIVE_PAGE_SIZE);
  const index = baseBuilder();
  const indexStartedOn = await currentBase(target.site);
  for await (const statements of statementsInOrder(source, chunk)) {
    await inParallel(statements, concurrency, async (statement) => {
      months.add(monthOf(statement.publishedAt));
      // A retracted statement's files left the site with it.
      if (!statement.retraction) await publishAttachmentFiles({ blobs: source.blobs, site: target.site }, statement.attachments);
      await publish(statementPage(ctx, statement.id, statement));
      report.statements++;
    });
    const started = performance.now();
    for (const statement of statements) if (isSearchable(statement)) index.add(indexDocOf(statement, ctx.parties));
    report.indexMs += performance.now() - started;
    report.indexed += statements.filter(isSearchable).length;
    progress();
  }
  const installing = performance.now();
  await installBase(target.site, target.locks, index, statementIndexSource(source), indexStartedOn);
  // The first search index format (a file per statement, 64 shards) is gone for good.
  for (const prefix of FORMAT_1_PREFIXES) await target.site.delete(await target.site.list(prefix));
  report.indexMs += performance.now() - installing;

  // Every listing: its archive pages, oldest first, then its first page and feeds; all listings at once.
  function* listingPages(): Generator<SitePage> {
    for (const { listing, size } of sizes) {
      for (let page = 1; page <= archivePageCount(size); page++) yield archivePage(ctx, listing, page);
      yield listingFront(ctx, listing);
    }
  }
  await inParallel(listingPages(), concurrency, publish);
  // The index of a kind exists once something of that kind was published, as a publish writes it.
  for (const kind of kindsOf(sizes.map((s) => s.listing))) await publish(kindIndex(ctx, kind));

  // The month children at once, then the index and the pages child (the last two).
  const sitemap = sitemapFiles(source, [...months].sort());
  await inParallel(sitemap.slice(0, -2), concurrency, publish);
  for (const file of sitemap.slice(-2)) await publish(file);
  progress(true);
  return report;
}
