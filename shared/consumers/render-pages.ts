// render-pages: rewrites the bounded set of pages one statement is on: its own page, the pages of its
// neighbours in its parties' archives, and in each listing it belongs to the archive page that holds it
// and the listing's first page with its feeds; then the index pages whose counts change and the sitemap.
// Each shared page is written under its lock, only forwards in time (publish-page.ts), so concurrent
// renders and redeliveries converge on what a rebuild (services/rebuild.ts) writes.
import { inParallel } from '../concurrency/in-parallel.js';
import type { StatementEvent } from '../domain/events.js';
import { ARCHIVE_PAGE_SIZE, archivePageOf, seqKey } from '../domain/listings.js';
import type { Party } from '../domain/party.js';
import { signatories } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/read-statement.js';
import { publishPage } from '../site/publish-page.js';
import { archivePage, kindIndex, kindsOf, listingFront, type SiteContext, type SitePage, statementPage } from '../site/site-pages.js';
import { monthOf, sitemapFiles } from '../site/sitemaps.js';

const PAGES_AT_ONCE = 4;
const MOST_PAGES_AT_ONCE = 16;

/** Renders the statement's pages; resolves to the keys that changed. */
export function renderPages(p: RenderPlatform, event: StatementEvent): Promise<string[]> {
  return renderPagesOf(p, [event]);
}

type RenderPlatform = Pick<Platform, 'statements' | 'listings' | 'blobs' | 'parties' | 'site' | 'locks' | 'config'>;

/**
 * Renders the pages of several statements at once (a batch of events, an import's backlog): each page
 * they share is built once, with every one of them on it. Resolves to the keys that changed.
 */
export async function renderPagesOf(p: RenderPlatform, events: StatementEvent[]): Promise<string[]> {
  const ids = [...new Set(events.map((e) => e.statementId))];
  const statements = await Promise.all(ids.map((id) => requireStatement(p, id)));
  const ctx: SiteContext = { p, parties: new Map<string, Party>((await p.parties.list()).map((x) => [x.id, x])) };
  const written: string[] = [];
  const publish = async ({ key, build, format }: SitePage) => {
    if (await publishPage(p, key, build, format)) written.push(key);
  };

  // More pages at once for a batch: each waits mostly on the store (S3 and DynamoDB on AWS).
  const atOnce = Math.min(PAGES_AT_ONCE * statements.length, MOST_PAGES_AT_ONCE);
  // A statement's translations link each other: when one is added (or changes), the others' pages too.
  const siblings = new Set<string>();
  for (const s of statements) for (const t of s.translations ?? []) if (!ids.includes(t.id)) siblings.add(t.id);
  await inParallel(ids, atOnce, (id) => publish(statementPage(ctx, id)));
  await inParallel(siblings, atOnce, (id) => publish(statementPage(ctx, id, undefined, false)));
  const own = new Set(ids);
  // Where each statement is, in the listings it belongs to as of the version read (a signature's number
  // may be given before it lands): listing -> its numbers there.
  const places = new Map<string, Array<{ seq: number; id: string }>>();
  const neighbours = new Set<string>();
  await inParallel(statements, atOnce, async (statement) => {
    // Every listing it was ever numbered in: one it has left (retracted, or a topic corrected away) shows
    // it no longer, and its page must say so.
    const seqs = await p.listings.placesOf(statement.id);
    for (const [listing, seq] of seqs) places.set(listing, [...(places.get(listing) ?? []), { seq, id: statement.id }]);
    // A party's statements link to the one before and after them in its archive: those next to this
    // one now link to it.
    for (const party of signatories(statement)) {
      const seq = seqs.get(`party:${party}`);
      if (seq === undefined) continue;
      const near = await p.listings.neighbours(`party:${party}`, seq);
      for (const entry of [near.before, near.after]) {
        if (entry && entry.summary.party === party && !own.has(entry.summary.id)) neighbours.add(entry.summary.id);
      }
    }
  });
  await inParallel(neighbours, atOnce, (id) => publish(statementPage(ctx, id, undefined, false)));

  // In each listing: the archive pages that hold these statements (and the page before one whose first
  // statement is among them, which now links forward), then the listing's first page and feeds.
  const listingPages: SitePage[] = [];
  for (const [listing, entries] of places) {
    const pages = new Map<number, Array<{ seq: number; id: string }>>();
    for (const e of entries) pages.set(archivePageOf(e.seq), [...(pages.get(archivePageOf(e.seq)) ?? []), e]);
    for (const [page, on] of pages) {
      listingPages.push(
        archivePage(
          ctx,
          listing,
          page,
          on.map((e) => seqKey(e.seq, e.id)),
        ),
      );
      if (page === 1 || pages.has(page - 1)) continue;
      // The range is read only for a page whose predecessor is not being rendered anyway.
      const pageStart = (page - 1) * ARCHIVE_PAGE_SIZE + 1;
      const first = Math.min(...on.map((e) => e.seq));
      const firstOnPage = first === pageStart || (await p.listings.range(listing, pageStart, first - 1)).length === 0;
      if (firstOnPage) listingPages.push(archivePage(ctx, listing, page - 1));
    }
    listingPages.push(
      listingFront(
        ctx,
        listing,
        entries.map((e) => seqKey(e.seq, e.id)),
      ),
    );
  }
  await inParallel(listingPages, atOnce, publish);
  for (const kind of kindsOf([...places.keys()])) await publish(kindIndex(ctx, kind));
  const months = [...new Set(statements.map((s) => monthOf(s.publishedAt)))].sort();
  for (const file of sitemapFiles(p, months, statements)) await publish(file);
  return written;
}
