// The site's page graph: where each page lives and how it is built from the stored statements. The same
// builders serve a publish (render-pages, which rewrites the pages one statement is on) and a full
// rebuild, so the two produce the same bytes.

import {
  ARCHIVE_PAGE_SIZE,
  archivePageFolder,
  isShownIn,
  kindFolder,
  type ListingKind,
  listingFolder,
  listingKind,
  listingsOf,
  seqKey,
} from '../domain/listings.js';
import type { Party } from '../domain/party.js';
import { liveTranslations, type Statement, summarise } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import type { ListingEntry } from '../ports.js';
import { textVersions } from '../services/history.js';
import { readStatement, requireStatement } from '../services/read-statement.js';
import { FEED_FILES, renderFeeds } from './feeds.js';
import { contentsOf, formatContents, type PageContents } from './page-contents.js';
import type { FileFormat, PageBuilder } from './publish-page.js';
import { historyPageKey, renderHistoryPage } from './templates/history-page.js';
import { listingTitle, renderArchivePage, renderKindIndex, renderListingFront } from './templates/listing-pages.js';
import { type LanguageVersion, renderStatementPage } from './templates/pages.js';
import { renderSubscribePage, SUBSCRIBE_PAGE_KEY } from './templates/subscribe-page.js';

export type SiteSources = Pick<Platform, 'statements' | 'listings' | 'blobs' | 'config'>;

/** What every build reads once per event (or once per rebuild): the parties by id. */
export interface SiteContext {
  p: SiteSources;
  parties: Map<string, Party>;
}

/** A file of the site: where it goes, how it is built, and what kind of file it is (HTML unless said). */
export interface SitePage {
  key: string;
  build: PageBuilder;
  format?: FileFormat;
}

export const statementPageKey = (id: string) => `statements/${id}/index.html`;

/** A listing page's stamp: each entry by its number there, so "older" means "added earlier". */
function listingContents(entries: ListingEntry[], complete: boolean, extra: PageContents['entries'] = []): PageContents {
  return { entries: [...entries.map((e) => ({ key: seqKey(e.seq, e.summary.id), version: e.summary.version })), ...extra], complete };
}

/** The language versions of a statement that others translate: itself first, then its translations. */
export function languageVersions(original: Pick<Statement, 'id' | 'language' | 'translations'>): LanguageVersion[] {
  return [{ id: original.id, language: original.language }, ...liveTranslations(original)];
}

/**
 * A statement's page, with the statements before and after it in its author's archive; with its history
 * page once corrected or retracted, unless `history` is false (a neighbour's render: its history has not
 * changed, and rebuilding it reads every version).
 */
export function statementPage(ctx: SiteContext, id: string, read?: Statement, history = true): SitePage {
  return {
    key: statementPageKey(id),
    build: async () => {
      // Read under the page's lock: a later version may have landed since the event was sent. A rebuild,
      // which reads each statement once, hands it over.
      const current = read ?? (await requireStatement(ctx.p, id));
      const author = `party:${current.party}`;
      const seq = (await ctx.p.listings.placesOf(id)).get(author);
      const near = seq === undefined ? {} : await ctx.p.listings.neighbours(author, seq);
      // A translation's languages are those of the statement it translates, whose version counts them.
      const original = current.translationOf ? await readStatement(ctx.p, current.translationOf) : undefined;
      const languages = languageVersions(original ?? current);
      const contents = contentsOf([summarise(current), ...(original ? [summarise(original)] : [])], true);
      const html = await renderStatementPage(
        current,
        ctx.parties,
        ctx.p.config.siteUrl,
        formatContents(contents),
        {
          ...(near.before ? { before: near.before.summary } : {}),
          ...(near.after ? { after: near.after.summary } : {}),
        },
        languages,
      );
      const historyPage =
        history && (current.corrections?.length || current.retraction)
          ? [
              {
                key: historyPageKey(id),
                body: await renderHistoryPage(current, await textVersions(ctx.p, current), ctx.parties),
                contentType: 'text/html; charset=utf-8',
              },
            ]
          : [];
      return { html, contents, companions: historyPage };
    },
  };
}

/**
 * Archive page `page` of a listing: the statements numbered (page-1)·N+1 … page·N. It links to the next
 * page once a statement is numbered past it; that flag is part of its stamp, so it is never taken back.
 */
export function archivePage(ctx: SiteContext, listing: string, page: number, mustInclude?: string | string[]): SitePage {
  return {
    key: `${archivePageFolder(listing, page)}index.html`,
    build: async () => {
      const from = (page - 1) * ARCHIVE_PAGE_SIZE + 1;
      const [entries, { size }] = await Promise.all([
        ctx.p.listings.range(listing, from, page * ARCHIVE_PAGE_SIZE),
        ctx.p.listings.newest(listing, 0),
      ]);
      if (entries.length === 0) return { html: '', empty: true };
      const hasNewer = size > page * ARCHIVE_PAGE_SIZE;
      const contents = listingContents(entries, true, hasNewer ? [{ key: '~newer', version: 1 }] : []);
      const items = entries.flatMap((e) => (isShownIn(e.summary, listing) ? [e.summary] : [])).reverse();
      const html = await renderArchivePage(
        { listing, items, parties: ctx.parties, contents: formatContents(contents), siteUrl: ctx.p.config.siteUrl },
        page,
        hasNewer,
      );
      return { html, contents, ...(mustInclude ? { mustInclude } : {}) };
    },
  };
}

/** A listing's first page (its newest statements) with its Atom and JSON feeds. */
export function listingFront(ctx: SiteContext, listing: string, mustInclude?: string | string[]): SitePage {
  return {
    key: `${listingFolder(listing)}index.html`,
    build: async () => {
      const { entries, size } = await ctx.p.listings.newest(listing, ARCHIVE_PAGE_SIZE);
      if (entries.length === 0) return { html: '', empty: true };
      const contents = listingContents(entries, entries.length < ARCHIVE_PAGE_SIZE);
      const items = entries.flatMap((e) => (isShownIn(e.summary, listing) ? [e.summary] : []));
      const siteUrl = ctx.p.config.siteUrl;
      const html = await renderListingFront({ listing, items, size, parties: ctx.parties, contents: formatContents(contents), siteUrl });
      const folder = listingFolder(listing);
      // The feeds keep a retracted statement, as a retraction: readers who had it learn it was withdrawn.
      const fed = entries.flatMap((e) => (listingsOf(e.summary).includes(listing) ? [e.summary] : []));
      const feeds = renderFeeds(siteUrl, { title: listingTitle(listing, ctx.parties), folder, items: fed }, ctx.parties);
      return {
        html,
        contents,
        ...(mustInclude ? { mustInclude } : {}),
        companions: [
          { key: `${folder}${FEED_FILES.atom}`, body: feeds.atom, contentType: 'application/atom+xml; charset=utf-8' },
          { key: `${folder}${FEED_FILES.json}`, body: feeds.json, contentType: 'application/feed+json; charset=utf-8' },
        ],
      };
    },
  };
}

/**
 * The subscribe page: every party, as the parties index lists them, and the countries, languages and
 * topics that have statements. Written with the parties index (its companion), which every publish and
 * every rebuild writes: under that page's lock, from listings read under it, so it never loses a value
 * (listings only grow, and are read consistently); its parties are those the event read, as the index's.
 */
async function subscribePageFile(ctx: SiteContext): Promise<{ key: string; body: string; contentType: string }> {
  const listings = (await Promise.all(['country:', 'language:', 'topic:'].map((prefix) => ctx.p.listings.sizes(prefix)))).flat();
  const body = await renderSubscribePage({ parties: ctx.parties, listings, siteUrl: ctx.p.config.siteUrl });
  return { key: SUBSCRIBE_PAGE_KEY, body, contentType: 'text/html; charset=utf-8' };
}

/** The index of a kind with its counts; the parties index lists every party, published or not. */
export function kindIndex(ctx: SiteContext, kind: ListingKind): SitePage {
  return {
    key: `${kindFolder(kind)}index.html`,
    build: async () => {
      const sizes = await ctx.p.listings.sizes(`${kind}:`);
      let counts = sizes;
      if (kind === 'party') {
        const known = new Map(sizes.map((s) => [s.listing, s.size]));
        counts = [...ctx.parties.values()]
          .sort((a, b) => a.name.localeCompare(b.name, 'en'))
          .map((party) => ({ listing: `party:${party.id}`, size: known.get(`party:${party.id}`) ?? 0 }));
      } else if (kind === 'year') {
        counts = [...sizes].reverse();
      } else {
        const label = (l: string) => listingTitle(l, ctx.parties);
        counts = [...sizes].sort((a, b) => label(a.listing).localeCompare(label(b.listing), 'en'));
      }
      const contents: PageContents = { entries: sizes.map((s) => ({ key: s.listing, version: s.size })), complete: true };
      const html = await renderKindIndex({
        kind,
        counts,
        parties: ctx.parties,
        contents: formatContents(contents),
        siteUrl: ctx.p.config.siteUrl,
      });
      return { html, contents, ...(kind === 'party' ? { companions: [await subscribePageFile(ctx)] } : {}) };
    },
  };
}

/** The kinds of listing (party, country…) among these listing ids, each once. */
export function kindsOf(listings: string[]): ListingKind[] {
  return [...new Set(listings.map(listingKind).filter((k): k is ListingKind => k !== 'home'))];
}
