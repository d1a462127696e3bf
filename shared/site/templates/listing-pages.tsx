// The listing pages: a listing's first page (its newest statements, with links to its archive), its
// numbered archive pages (1 = the oldest), and the index pages of parties, countries, languages, topics
// and years with their counts. Every value is escaped by hono/jsx.

import type { Child } from 'hono/jsx';
import { languageName, textDirection } from '../../domain/language.js';
import {
  ARCHIVE_PAGE_SIZE,
  archivePageCount,
  archivePageFolder,
  folderHref,
  HOME_LISTING,
  kindFolder,
  type ListingKind,
  listingHref,
  listingKind,
  listingValue,
} from '../../domain/listings.js';
import { countryName, type Party } from '../../domain/party.js';
import type { StatementSummary } from '../../domain/statement.js';
import { Layout, renderDocument } from './layout.js';
import { englishLanguageName, IndexLabel } from './listing-labels.js';
import { StatementList } from './statement-list.js';
import { listingChoice, SubscribeSection } from './subscribe-form.js';

/** A listing's heading, as plain text (for titles and feeds). */
export function listingTitle(listing: string, parties: Map<string, Party>): string {
  const kind = listingKind(listing);
  const value = listingValue(listing);
  switch (kind) {
    case 'home':
      return 'Latest statements';
    case 'party':
      return parties.get(value)?.name ?? value;
    case 'country':
      return `Statements on ${countryName(value)}`;
    case 'language': {
      const own = languageName(value);
      const english = englishLanguageName(value);
      return own === english ? `Statements in ${english}` : `Statements in ${english} (${own})`;
    }
    case 'topic':
      return `Topic: ${value}`;
    case 'year':
      return `Statements of ${value}`;
  }
}

const KIND_TITLES: Record<ListingKind, string> = {
  party: 'Parties',
  country: 'Countries',
  language: 'Languages',
  topic: 'Topics',
  year: 'Archive by year',
};

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** A party's page says who it is under its name. */
function PartyLine({ party }: { party: Party }) {
  return (
    <p class="meta">
      {countryName(party.country)} · writes in{' '}
      <span lang={party.language} dir={textDirection(party.language)}>
        {languageName(party.language)}
      </span>
      {party.website ? (
        <>
          {' '}
          · <a href={party.website}>website</a>
        </>
      ) : null}
    </p>
  );
}

/** Links to the archive pages: the newest few, then the first. */
function ArchiveLinks({ listing, size }: { listing: string; size: number }) {
  const pages = archivePageCount(size);
  if (pages === 0) return null;
  const newest = Array.from({ length: Math.min(5, pages) }, (_, i) => pages - i);
  const shown = newest.includes(1) ? newest : [...newest, 1];
  return (
    <nav class="pager" aria-label="Archive pages, oldest first from page 1">
      <h2>All {plural(size, 'statement', 'statements')}, page by page</h2>
      <ul>
        {shown.map((k, i) => (
          <>
            {i > 0 && shown[i - 1] !== k + 1 ? (
              <li aria-hidden="true" class="gap">
                …
              </li>
            ) : null}
            <li>
              <a href={folderHref(archivePageFolder(listing, k))}>
                Page {k}
                {k === pages ? ' (newest)' : k === 1 ? ' (oldest)' : ''}
              </a>
            </li>
          </>
        ))}
      </ul>
      {listing === HOME_LISTING ? (
        <p>
          Or browse the <a href="/archive/">archive by year</a>, by <a href="/parties/">party</a>, <a href="/countries/">country</a>,{' '}
          <a href="/languages/">language</a> or <a href="/topics/">topic</a>.
        </p>
      ) : null}
    </nav>
  );
}

function FeedLinks({ listing }: { listing: string }) {
  const folder = listingHref(listing);
  return (
    <p class="feeds meta">
      Follow: <a href={`${folder}feed.xml`}>Atom feed</a> · <a href={`${folder}feed.json`}>JSON Feed</a>
    </p>
  );
}

export interface ListingPageData {
  listing: string;
  /** Newest first. */
  items: StatementSummary[];
  /** The highest number given out in the listing. */
  size: number;
  parties: Map<string, Party>;
  contents: string;
  siteUrl: string;
}

/** A listing page's frame: English, its stamp, the listing's feeds, and its address (`path`). */
function ListingLayout(props: { title: string; listing: string; contents: string; siteUrl: string; path: string; children?: Child }) {
  return (
    <Layout
      title={props.title}
      lang="en"
      dir="ltr"
      contents={props.contents}
      feeds={listingHref(props.listing)}
      canonical={`${props.siteUrl}${props.path}`}
    >
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}

/** A listing's first page: its newest statements. */
export function renderListingFront({ listing, items, size, parties, contents, siteUrl }: ListingPageData): Promise<string> {
  const title = listingTitle(listing, parties);
  const party = listingKind(listing) === 'party' ? parties.get(listingValue(listing)) : undefined;
  return renderDocument(
    <ListingLayout title={title} listing={listing} contents={contents} siteUrl={siteUrl} path={listingHref(listing)}>
      {party ? <PartyLine party={party} /> : null}
      <FeedLinks listing={listing} />
      <StatementList items={items} parties={parties} />
      <ArchiveLinks listing={listing} size={size} />
      {listingKind(listing) === 'year' ? null : <SubscribeSection only={listingChoice(listing, parties)} />}
    </ListingLayout>,
  );
}

/** Archive page `page` of a listing: the statements numbered (page-1)·N+1 … page·N, newest first. */
export function renderArchivePage(
  { listing, items, parties, contents, siteUrl }: Omit<ListingPageData, 'size'>,
  page: number,
  hasNewer: boolean,
): Promise<string> {
  const title = `${listingTitle(listing, parties)}, page ${page}`;
  const first = (page - 1) * ARCHIVE_PAGE_SIZE + 1;
  return renderDocument(
    <ListingLayout
      title={title}
      listing={listing}
      contents={contents}
      siteUrl={siteUrl}
      path={folderHref(archivePageFolder(listing, page))}
    >
      <p class="meta">
        Statements {first}–{first + ARCHIVE_PAGE_SIZE - 1} of this archive, in the order they were published here (page 1 holds the oldest).{' '}
        <a href={listingHref(listing)}>Back to the latest</a>.
      </p>
      <StatementList items={items} parties={parties} />
      <nav class="pager" aria-label="Archive pages">
        <ul>
          {page > 1 ? (
            <li>
              <a rel="prev" href={folderHref(archivePageFolder(listing, page - 1))}>
                Older: page {page - 1}
              </a>
            </li>
          ) : null}
          <li>
            {hasNewer ? (
              <a rel="next" href={folderHref(archivePageFolder(listing, page + 1))}>
                Newer: page {page + 1}
              </a>
            ) : (
              <a href={listingHref(listing)}>Newest statements</a>
            )}
          </li>
        </ul>
      </nav>
    </ListingLayout>,
  );
}

export interface KindIndexData {
  kind: ListingKind;
  /** Listing ids of the kind with their sizes; for parties, every party (0 for one that has not published). */
  counts: Array<{ listing: string; size: number }>;
  parties: Map<string, Party>;
  contents: string;
  siteUrl: string;
}

/** The index of a kind: every party, country, language, topic or year with the number of its statements. */
export function renderKindIndex({ kind, counts, parties, contents, siteUrl }: KindIndexData): Promise<string> {
  const title = KIND_TITLES[kind];
  return renderDocument(
    <Layout title={title} lang="en" dir="ltr" contents={contents} canonical={`${siteUrl}/${kindFolder(kind)}`}>
      <h1>{title}</h1>
      {counts.length === 0 ? (
        <p class="empty">Nothing published yet.</p>
      ) : (
        <ul class="listing-index">
          {counts.map(({ listing, size }) => (
            <li>
              {size > 0 ? (
                <a href={listingHref(listing)}>
                  <IndexLabel listing={listing} parties={parties} />
                </a>
              ) : (
                <IndexLabel listing={listing} parties={parties} />
              )}{' '}
              <span class="meta">
                {kind === 'party' && parties.get(listingValue(listing))
                  ? `${countryName(parties.get(listingValue(listing))?.country ?? '')} · `
                  : ''}
                {plural(size, 'statement', 'statements')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>,
  );
}
