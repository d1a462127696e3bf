// Atom and JSON Feed for a listing, built with `feed`: the listing's newest statements, dated by
// publication (not by the time of rendering), so the same statements always give the same bytes.
import { Feed } from 'feed';
import { escapeHtml } from '../domain/html-policy.js';
import type { Party } from '../domain/party.js';
import { lastChangeOf, type StatementSummary, signatories, statementPath } from '../domain/statement.js';

export interface ListingFeed {
  /** "Latest statements", a party's name. */
  title: string;
  /** The listing's folder: "" for the home page, "parties/kke/". */
  folder: string;
  items: StatementSummary[];
}

export const FEED_FILES = { atom: 'feed.xml', json: 'feed.json' } as const;

export function renderFeeds(siteUrl: string, listing: ListingFeed, parties: Map<string, Party>): { atom: string; json: string } {
  // JSON Feed's title and summary are plain text; Atom's (as `feed` writes them) are HTML: escaped there only.
  return { atom: buildFeed(siteUrl, listing, parties, escapeHtml).atom1(), json: buildFeed(siteUrl, listing, parties, (t) => t).json1() };
}

function buildFeed(siteUrl: string, listing: ListingFeed, parties: Map<string, Party>, text: (plain: string) => string): Feed {
  const page = `${siteUrl}/${listing.folder}`;
  const newest = listing.items.reduce<string | undefined>(
    (max, s) => (max === undefined || lastChangeOf(s) > max ? lastChangeOf(s) : max),
    undefined,
  );
  const feed = new Feed({
    id: page,
    title: text(`${listing.title} · Communiqué`),
    link: page,
    language: 'en',
    copyright: 'Each statement belongs to the parties that signed it.',
    generator: false,
    ...(newest ? { updated: new Date(newest) } : { updated: new Date(0) }),
    feedLinks: { atom: `${page}${FEED_FILES.atom}`, json: `${page}${FEED_FILES.json}` },
  });
  for (const s of listing.items) {
    const url = `${siteUrl}${statementPath(s.id)}`;
    const correction = s.corrections?.at(-1);
    const description = s.retraction
      ? `Retracted on ${s.retraction.at.slice(0, 10)}: ${s.retraction.reason}`
      : correction
        ? `${s.summary ? `${s.summary}\n\n` : ''}Corrected on ${correction.at.slice(0, 10)}: ${correction.note}`
        : s.summary;
    feed.addItem({
      id: url,
      link: url,
      title: text(s.retraction ? `Retracted: ${s.title}` : s.title),
      // Atom's "updated": a correction or a retraction is news to a feed reader that has the statement.
      date: new Date(lastChangeOf(s)),
      published: new Date(s.publishedAt),
      ...(description ? { description: text(description) } : {}),
      author: signatories(s).map((id) => ({ name: text(parties.get(id)?.name ?? id), link: `${siteUrl}/parties/${id}/` })),
      category: s.topics.map((t) => ({ name: t, term: t })),
    });
  }
  return feed;
}
