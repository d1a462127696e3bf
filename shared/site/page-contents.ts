// What a published page shows, as a stamp it carries, so that a render never replaces a page with an
// older view of the archive (a slower render, or a listing read before the newest statement was visible).
import { listingKey, type StatementSummary } from '../domain/statement.js';

/** One entry per statement on the page: its listing key (publication time + id) and version. */
export interface ContentsEntry {
  key: string;
  version: number;
}

/** What a page lists; `complete` is false when older statements were cut off at the page's limit. */
export interface PageContents {
  entries: ContentsEntry[];
  complete: boolean;
}

export const CONTENTS_META = 'communique-contents';

/**
 * The stamp's format. Listing pages name their entries by number since v2; a page stamped in an older
 * format counts as unstamped, so the next render replaces it rather than comparing keys of two kinds.
 */
const FORMAT = 'v2';

export function contentsOf(items: Array<Pick<StatementSummary, 'id' | 'publishedAt' | 'version'>>, complete: boolean): PageContents {
  return { entries: items.map((s) => ({ key: listingKey(s), version: s.version })), complete };
}

export function formatContents(c: PageContents): string {
  return [FORMAT, c.complete ? 'complete' : 'cut', ...c.entries.map((e) => `${e.key}@${e.version}`)].join(' ');
}

const META_PATTERN = new RegExp(`<meta name="${CONTENTS_META}" content="([^"]*)"`);

/** The stamp of a page as published, or undefined for a page without one (the shell's placeholder). */
export function parseContents(html: string): PageContents | undefined {
  const m = META_PATTERN.exec(html);
  return m ? parseContentsValue(m[1] as string) : undefined;
}

/**
 * For XML files (sitemaps), the stamp is a comment after the root element. A comment may not hold "--"
 * (a topic may), so hyphens are written %2D there.
 */
export function contentsComment(c: PageContents): string {
  return `<!-- ${CONTENTS_META} ${formatContents(c).replace(/%/g, '%25').replace(/-/g, '%2D')} -->`;
}

export function parseContentsComment(xml: string): PageContents | undefined {
  const m = new RegExp(`<!-- ${CONTENTS_META} ([^>]*) -->`).exec(xml);
  return m ? parseContentsValue((m[1] as string).replace(/%2D/g, '-').replace(/%25/g, '%')) : undefined;
}

function parseContentsValue(value: string): PageContents | undefined {
  const [format, flag, ...rest] = value.split(' ').filter(Boolean);
  if (format !== FORMAT) return undefined;
  const entries = rest.flatMap((token) => {
    const at = token.lastIndexOf('@');
    const version = Number(token.slice(at + 1));
    return at > 0 && Number.isInteger(version) ? [{ key: token.slice(0, at), version }] : [];
  });
  return { entries, complete: flag === 'complete' };
}

/**
 * Whether `next` is at least as new as `published`: every statement the published page shows is on the
 * next one in the same or a later version, unless the next page is cut off before it (it fell off the end).
 */
export function covers(next: PageContents, published: PageContents): boolean {
  const versions = new Map(next.entries.map((e) => [e.key, e.version]));
  const oldest = next.entries.reduce<string | undefined>((min, e) => (min === undefined || e.key < min ? e.key : min), undefined);
  return published.entries.every((e) => {
    const v = versions.get(e.key);
    if (v !== undefined) return v >= e.version;
    return !next.complete && oldest !== undefined && e.key < oldest;
  });
}

/** Whether a statement that belongs on this page (by its listing key) is on it. */
export function includes(c: PageContents, key: string): boolean {
  if (c.entries.some((e) => e.key === key)) return true;
  // A cut-off page need not hold statements older than its oldest entry.
  return !c.complete && c.entries.every((e) => e.key > key);
}
