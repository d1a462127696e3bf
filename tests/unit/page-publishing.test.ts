// Shared pages move only forward: a render that read an older list never replaces a newer page.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessLocks } from '../../shared/adapters/local/process-locks.js';
import { StaleReadError } from '../../shared/errors.js';
import {
  type ContentsEntry,
  contentsComment,
  covers,
  formatContents,
  includes,
  type PageContents,
  parseContents,
  parseContentsComment,
} from '../../shared/site/page-contents.js';
import { publishPage } from '../../shared/site/publish-page.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

const entry = (minute: number, version = 1): ContentsEntry => ({
  key: `2026-11-01T12:${String(minute).padStart(2, '0')}:00.000Z#s${minute}`,
  version,
});
const page = (entries: ContentsEntry[], complete = true): PageContents => ({ entries, complete });
const html = (c: PageContents) =>
  `<!doctype html><html><head><meta name="communique-contents" content="${formatContents(c)}"></head></html>`;

describe('page contents', () => {
  it('round-trips through the page’s meta tag', () => {
    const c = page([entry(3, 2), entry(1)], false);
    expect(parseContents(html(c))).toEqual(c);
    expect(parseContents('<html></html>')).toBeUndefined();
  });

  it('counts a page stamped in the format before listings were numbered as unstamped', () => {
    expect(parseContents('<meta name="communique-contents" content="complete 2026-11-01T12:00:00.000Z#a@1">')).toBeUndefined();
  });

  it('keeps an XML stamp a valid comment whatever its keys hold ("--" is not allowed in one)', () => {
    const c = page([{ key: 'topic:peace--now', version: 3 }, entry(1)]);
    const comment = contentsComment(c);
    expect(comment.slice(4, -3)).not.toContain('--');
    expect(parseContentsComment(`<urlset/>\n${comment}\n`)).toEqual(c);
  });

  it('covers a page whose statements it all shows, in the same or later versions', () => {
    expect(covers(page([entry(3), entry(2), entry(1)]), page([entry(2), entry(1)]))).toBe(true);
    expect(covers(page([entry(2, 2)]), page([entry(2, 1)]))).toBe(true);
    expect(covers(page([entry(2, 1)]), page([entry(2, 2)]))).toBe(false);
  });

  it('does not cover a page with a statement it lacks, unless that one fell off the end of a cut-off list', () => {
    expect(covers(page([entry(2), entry(1)]), page([entry(3), entry(2)]))).toBe(false);
    expect(covers(page([entry(3), entry(2)], false), page([entry(2), entry(1)]))).toBe(true);
    expect(covers(page([entry(3), entry(2)], true), page([entry(2), entry(1)]))).toBe(false);
  });

  it('knows when a statement that belongs on a page is missing from it', () => {
    expect(includes(page([entry(3), entry(2)]), entry(2).key)).toBe(true);
    expect(includes(page([entry(3), entry(2)]), entry(4).key)).toBe(false);
    expect(includes(page([entry(3), entry(2)], false), entry(1).key)).toBe(true);
  });
});

describe('publishPage', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const platform = async () => {
    const p = await aLocalPlatform();
    cleanups.push(p.cleanup);
    return p;
  };
  const read = async (p: Awaited<ReturnType<typeof platform>>) =>
    parseContents(Buffer.from((await p.site.get('index.html')) ?? []).toString());

  it('never replaces a newer page with an older list, and writes once the list catches up', async () => {
    const p = await platform();
    const newer = page([entry(3), entry(2)]);
    await publishPage(p, 'index.html', async () => ({ html: html(newer), contents: newer }));
    // A lagging read: the first three builds do not see statement 3 yet.
    let builds = 0;
    const changed = await publishPage(p, 'index.html', async () => {
      builds++;
      const c = builds <= 3 ? page([entry(2), entry(1)]) : page([entry(3), entry(2), entry(1)]);
      return { html: html(c), contents: c, mustInclude: entry(1).key };
    });
    expect(changed).toBe(true);
    expect(builds).toBe(4);
    expect((await read(p))?.entries.map((e) => e.key)).toEqual([entry(3).key, entry(2).key, entry(1).key]);
  });

  it('gives up with a StaleReadError (the queue retries later) and leaves the newer page as it was', async () => {
    const p = await platform();
    const newer = page([entry(3), entry(2)]);
    await publishPage(p, 'index.html', async () => ({ html: html(newer), contents: newer }));
    const older = page([entry(2), entry(1)]);
    await expect(publishPage(p, 'index.html', async () => ({ html: html(older), contents: older }))).rejects.toBeInstanceOf(StaleReadError);
    expect((await read(p))?.entries).toEqual(newer.entries);
  });

  it('waits for a statement the list does not show yet (its own event’s statement)', async () => {
    const p = await platform();
    let builds = 0;
    await publishPage(p, 'index.html', async () => {
      builds++;
      const c = builds === 1 ? page([entry(2)]) : page([entry(3), entry(2)]);
      return { html: html(c), contents: c, mustInclude: entry(3).key };
    });
    expect(builds).toBe(2);
  });

  it('serialises concurrent renders of one page: the last list read wins, whatever the order of completion', async () => {
    const p = await platform();
    const locks = new ProcessLocks();
    let published: ContentsEntry[] = [];
    const renders = [1, 2, 3, 4, 5].map((n) =>
      publishPage({ site: p.site, locks }, 'index.html', async () => {
        // Each render reads "the table" under the lock, then takes a while to render.
        published = [entry(n), ...published];
        const c = page([...published]);
        await new Promise((r) => setTimeout(r, 10 * (5 - n)));
        return { html: html(c), contents: c };
      }),
    );
    await Promise.all(renders);
    expect((await read(p))?.entries).toHaveLength(5);
  });

  it('skips the write when the page would not change', async () => {
    const p = await platform();
    const c = page([entry(1)]);
    expect(await publishPage(p, 'index.html', async () => ({ html: html(c), contents: c }))).toBe(true);
    expect(await publishPage(p, 'index.html', async () => ({ html: html(c), contents: c }))).toBe(false);
  });
});
