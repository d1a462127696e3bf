// The site's listings: every statement is listed on the home page, under each party that signed it, each
// country, its language, each topic and its year. A listing numbers its statements in the order they were
// added to it (1, 2, 3…), so its archive pages are anchored at the oldest: page 1 holds the first N for
// ever, a new statement lands on the newest page, and old archive URLs keep their content.
import { type Statement, signatories } from './statement.js';

export const LISTING_KINDS = ['party', 'country', 'language', 'topic', 'year'] as const;
export type ListingKind = (typeof LISTING_KINDS)[number];

/** Statements on an archive page, and on a listing's first page (its newest). */
export const ARCHIVE_PAGE_SIZE = 25;

/** "home", "party:kke", "country:GR", "language:pt-BR", "topic:peace", "year:2019". */
export type ListingId = string;

export const HOME_LISTING = 'home';

export function yearOf(publishedAt: string): string {
  return String(new Date(publishedAt).getUTCFullYear()).padStart(4, '0');
}

type Listed = Pick<Statement, 'party' | 'cosigners' | 'countries' | 'language' | 'topics' | 'publishedAt' | 'translationOf'>;

/**
 * Every listing a statement belongs to, home first. A translation is listed only under its language: the
 * other listings show the statement it translates once, with its languages.
 */
export function listingsOf(s: Listed): ListingId[] {
  if (s.translationOf) return [`language:${s.language}`];
  return [
    HOME_LISTING,
    ...signatories(s).map((p) => `party:${p}`),
    ...[...new Set(s.countries)].map((c) => `country:${c}`),
    `language:${s.language}`,
    ...[...new Set(s.topics)].map((t) => `topic:${t}`),
    `year:${yearOf(s.publishedAt)}`,
  ];
}

/**
 * Whether a listing shows the statement now. A listing keeps every number it gave out: a statement that
 * left it (retracted, or corrected out of a topic) keeps its place, unseen, so pages stay anchored and
 * their stamps still name it (a render that no longer shows it is newer, not older).
 */
export function isShownIn(s: Listed & Pick<Statement, 'retraction'>, listing: ListingId): boolean {
  return !s.retraction && listingsOf(s).includes(listing);
}

export function listingKind(listing: ListingId): ListingKind | 'home' {
  if (listing === HOME_LISTING) return 'home';
  return listing.slice(0, listing.indexOf(':')) as ListingKind;
}

/** What follows the kind: the party id, the country code, the tag, the slug or the year. */
export function listingValue(listing: ListingId): string {
  return listing.slice(listing.indexOf(':') + 1);
}

const FOLDERS: Record<ListingKind, string> = {
  party: 'parties',
  country: 'countries',
  language: 'languages',
  topic: 'topics',
  year: 'archive',
};

/** The index page of a kind ("/parties/"), which lists its listings with their counts. */
export function kindFolder(kind: ListingKind): string {
  return `${FOLDERS[kind]}/`;
}

/** The listing's folder in the site: "" for home, "parties/kke/", "countries/gr/", "languages/pt-br/". */
export function listingFolder(listing: ListingId): string {
  const kind = listingKind(listing);
  if (kind === 'home') return '';
  const value = listingValue(listing);
  const segment = kind === 'country' || kind === 'language' ? value.toLowerCase() : value;
  return `${FOLDERS[kind]}/${segment}/`;
}

/** A folder as a link: path segments percent-encoded (topics may be any letters). */
export function folderHref(folder: string): string {
  return `/${folder
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/')}`;
}

export function listingHref(listing: ListingId): string {
  return folderHref(listingFolder(listing));
}

/** Archive page k (1 = oldest) of a listing, as a site key and as a link. */
export function archivePageFolder(listing: ListingId, page: number): string {
  return `${listingFolder(listing)}page/${page}/`;
}

/** The archive page that holds the statement numbered `seq` in its listing. */
export function archivePageOf(seq: number): number {
  return Math.ceil(seq / ARCHIVE_PAGE_SIZE);
}

/** The number of archive pages of a listing whose statements are numbered up to `size`. */
export function archivePageCount(size: number): number {
  return Math.ceil(size / ARCHIVE_PAGE_SIZE);
}

/** A page's stamp key for an entry: sorts by the entry's number in its listing. */
export function seqKey(seq: number, id: string): string {
  return `${String(seq).padStart(10, '0')}#${id}`;
}
