// render-pages: rewrites the bounded set of pages one statement is on: its own page, the pages of its
// neighbours in its parties' archives, and in each listing it belongs to the archive page that holds it
// and the listing's first page with its feeds; then the index pages whose counts change and the sitemap.
// Each shared page is written under its lock, only forwards in time (publish-page.ts), so concurrent
// renders and redeliveries converge on what a rebuild (services/rebuild.ts) writes.
import { inParallel } from '../concurrency/in-parallel.js';
import type { StatementEvent } from '../domain/events.js';
import { ARCHIVE_PAGE_SIZE, archivePageOf, listingsOf, seqKey } from '../domain/listings.js';
import type { Party } from '../domain/party.js';
import { signatories } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/read-statement.js';
import { publishPage } from '../site/publish-page.js';
import { archivePage, kindIndex, kindsOf, listingFront, type SiteContext, type SitePage, statementPage } from '../site/site-pages.js';
import { monthOf, sitemapFiles } from '../site/sitemaps.js';

const LISTINGS_AT_ONCE = 4;

/** Renders the statement's pages; resolves to the keys that changed. */
export async function renderPages(
  p: Pick<Platform, 'statements' | 'listings' | 'blobs' | 'parties' | 'site' | 'locks' | 'config'>,
  event: StatementEvent,
): Promise<string[]> {
  const statement = await requireStatement(p, event.statementId);
  const ctx: SiteContext = { p, parties: new Map<string, Party>((await p.parties.list()).map((x) => [x.id, x])) };
  const written: string[] = [];
  const publish = async ({ key, build, format }: SitePage) => {
    if (await publishPage(p, key, build, format)) written.push(key);
  };

  await publish(statementPage(ctx, statement.id));
  const places = await p.listings.placesOf(statement.id);
  // The statement's listings as of the version read (a signature's number may be given before it lands).
  const listings = listingsOf(statement).filter((l) => places.has(l));

  // A party's statements link to the one before and after them in its archive: those next to this one
  // now link to it.
  for (const party of signatories(statement)) {
    const seq = places.get(`party:${party}`);
    if (seq === undefined) continue;
    const near = await p.listings.neighbours(`party:${party}`, seq);
    for (const entry of [near.before, near.after]) {
      if (entry && entry.summary.party === party) await publish(statementPage(ctx, entry.summary.id));
    }
  }

  // Listings are independent of each other: a few at once (a joint statement is in dozens).
  await inParallel(listings, LISTINGS_AT_ONCE, async (listing) => {
    const seq = places.get(listing) as number;
    const page = archivePageOf(seq);
    const own = seqKey(seq, statement.id);
    await publish(archivePage(ctx, listing, page, own));
    // The first statement on a page makes the page before it link forward.
    const pageStart = (page - 1) * ARCHIVE_PAGE_SIZE + 1;
    if (page > 1 && (seq === pageStart || (await p.listings.range(listing, pageStart, seq - 1)).length === 0)) {
      await publish(archivePage(ctx, listing, page - 1));
    }
    await publish(listingFront(ctx, listing, own));
  });
  for (const kind of kindsOf(listings)) await publish(kindIndex(ctx, kind));
  for (const file of sitemapFiles(p, [monthOf(statement.publishedAt)], statement)) await publish(file);
  return written;
}
