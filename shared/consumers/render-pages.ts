// render-pages: rewrites the bounded set of pages one statement appears on. Each shared page is written
// under its lock, only forwards in time (publish-page.ts), so concurrent renders and redeliveries converge.
import type { StatementEvent } from '../domain/events.js';
import type { Party } from '../domain/party.js';
import { listingKey, signatories, summarise } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/read-statement.js';
import { FEED_FILES, type ListingFeed, renderFeeds } from '../site/feeds.js';
import { contentsOf, formatContents } from '../site/page-contents.js';
import { publishPage } from '../site/publish-page.js';
import {
  monthOf,
  monthSitemap,
  monthSitemapKey,
  PAGES_SITEMAP,
  pagesSitemap,
  SITEMAP_INDEX,
  sitemapIndex,
  XML_FILE,
} from '../site/sitemaps.js';
import { renderHomePage, renderPartiesPage, renderPartyPage, renderStatementPage } from '../site/templates/pages.js';

export const LATEST_ON_A_PAGE = 20;

/** The site paths a statement's publication rewrites: its page, the home page and its parties' pages. */
export function pagesAffectedBy(s: { id: string; party: string; cosigners: string[] }): string[] {
  return [`statements/${s.id}/index.html`, 'index.html', 'parties/index.html', ...signatories(s).map((p) => `parties/${p}/index.html`)];
}

/** A listing's Atom and JSON feeds, beside its page. */
function feedFiles(siteUrl: string, listing: ListingFeed, parties: Map<string, Party>) {
  const { atom, json } = renderFeeds(siteUrl, listing, parties);
  return [
    { key: `${listing.folder}${FEED_FILES.atom}`, body: atom, contentType: 'application/atom+xml; charset=utf-8' },
    { key: `${listing.folder}${FEED_FILES.json}`, body: json, contentType: 'application/feed+json; charset=utf-8' },
  ];
}

/** Renders the statement's pages; resolves to the keys that changed. */
export async function renderPages(
  p: Pick<Platform, 'statements' | 'blobs' | 'parties' | 'site' | 'locks' | 'config'>,
  event: StatementEvent,
): Promise<string[]> {
  const statement = await requireStatement(p, event.statementId);
  const all = await p.parties.list();
  const parties = new Map<string, Party>(all.map((x) => [x.id, x]));
  const own = listingKey(statement);
  const written: string[] = [];
  const publish = async (key: string, build: Parameters<typeof publishPage>[2]) => {
    if (await publishPage(p, key, build)) written.push(key);
  };

  await publish(`statements/${statement.id}/index.html`, async () => {
    // Read again under the lock: a later version may have landed since the event was sent.
    const current = await requireStatement(p, statement.id);
    const contents = contentsOf([summarise(current)], true);
    return { html: await renderStatementPage(current, parties, p.config.siteUrl, formatContents(contents)), contents };
  });
  await publish('index.html', async () => {
    const latest = await p.statements.list({ limit: LATEST_ON_A_PAGE });
    const contents = contentsOf(latest.items, !latest.nextCursor);
    return {
      html: await renderHomePage(latest.items, parties, formatContents(contents)),
      contents,
      mustInclude: own,
      companions: feedFiles(p.config.siteUrl, { title: 'Latest statements', folder: '', items: latest.items }, parties),
    };
  });
  await publish('parties/index.html', async () => ({ html: await renderPartiesPage(all) }));
  for (const id of signatories(statement)) {
    const party = parties.get(id);
    if (!party) continue;
    await publish(`parties/${id}/index.html`, async () => {
      const listed = await p.statements.list({ party: id, limit: LATEST_ON_A_PAGE });
      const contents = contentsOf(listed.items, !listed.nextCursor);
      return {
        html: await renderPartyPage(party, listed.items, parties, formatContents(contents)),
        contents,
        mustInclude: own,
        companions: feedFiles(p.config.siteUrl, { title: party.name, folder: `parties/${id}/`, items: listed.items }, parties),
      };
    });
  }
  const month = monthOf(statement.publishedAt);
  if (await publishPage(p, monthSitemapKey(month), monthSitemap(p, month, statement), XML_FILE)) written.push(monthSitemapKey(month));
  if (await publishPage(p, SITEMAP_INDEX, sitemapIndex(p, month), XML_FILE)) written.push(SITEMAP_INDEX);
  if (await publishPage(p, PAGES_SITEMAP, pagesSitemap(p, [...parties.keys()]), XML_FILE)) written.push(PAGES_SITEMAP);
  return written;
}
