// Feeds beside the listings: Atom and JSON Feed of the newest statements, written with their page,
// escaped, linked from the page's head, and the same bytes for the same statements.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { Statement } from '../../shared/domain/statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput, publishedEvent, siteText } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
const published: Statement[] = [];
const text = (key: string) => siteText(p.site, key);

beforeEach(async () => {
  p = await aLocalPlatform();
  published.length = 0;
  const titles = ['On the strike', 'Workers & <b>bosses</b> "now"', 'Η απεργία συνεχίζεται'];
  for (const [i, title] of titles.entries()) {
    const input = aStatementInput({ title, publishedAt: new Date(Date.UTC(2026, 9, 1 + i)).toISOString(), topics: ['strikes'] });
    published.push((await submitStatement(p, i === 2 ? 'tkp' : 'kke', input)).statement);
  }
  for (const s of published) await renderPages(p, publishedEvent(s));
});
afterEach(() => p.cleanup());

describe('listing feeds', () => {
  it('gives the home page a JSON Feed of its statements, newest first, with links, dates and signing parties', async () => {
    const feed = JSON.parse(await text('feed.json')) as {
      version: string;
      home_page_url: string;
      feed_url: string;
      items: Array<{ id: string; url: string; title: string; date_published: string; authors?: Array<{ name: string }> }>;
    };
    expect(feed.version).toContain('jsonfeed.org/version/1');
    expect(feed.home_page_url).toBe('http://localhost:3000/');
    expect(feed.feed_url).toBe('http://localhost:3000/feed.json');
    // JSON Feed titles are plain text: as written.
    expect(feed.items.map((i) => i.title)).toEqual([...published].reverse().map((s) => s.title));
    expect(feed.items[0]).toMatchObject({
      url: `http://localhost:3000/statements/${published[2]?.id}/`,
      date_published: published[2]?.publishedAt,
    });
  });

  it('gives each party an Atom feed of its own statements, with every title escaped', async () => {
    const atom = await text('parties/kke/feed.xml');
    expect(atom.startsWith('<?xml')).toBe(true);
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(atom.match(/<entry>/g)).toHaveLength(2);
    // Atom's titles are HTML to feed readers: the press office's text must reach them as text.
    expect(atom).not.toContain('<b>bosses</b>');
    expect(atom).toContain('Workers &amp; &lt;b&gt;bosses&lt;/b&gt; &quot;now&quot;');
    expect(atom).not.toContain('Η απεργία');
  });

  it('links the feeds from the listing page’s head', async () => {
    const home = await text('index.html');
    expect(home).toContain('<link rel="alternate" type="application/atom+xml" title="Latest statements (Atom)" href="/feed.xml"/>');
    expect(await text('parties/tkp/index.html')).toContain('href="/parties/tkp/feed.json"');
  });

  it('writes the same bytes again for the same statements (dated by publication, not by rendering)', async () => {
    const before = [await text('feed.xml'), await text('feed.json')];
    await new Promise((r) => setTimeout(r, 5));
    await renderPages(p, publishedEvent(published[0] as Statement));
    expect([await text('feed.xml'), await text('feed.json')]).toEqual(before);
  });
});
