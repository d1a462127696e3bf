// Every statement of an imported archive is reachable by browsing: a crawler that starts at `/` and
// follows the site's own links (through the local site server) reaches each one. The site is made by
// the CLI: `import`, then `rebuild` with its progress lines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { parseSitemap, parseSitemapIndex } from 'sitemap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDeps, readLocalSettings } from '../../shared/runtime/local.js';
import { serveSite } from '../../shared/runtime/site-server.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/local-platform.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COUNT = 140;
const corpus = tempDir('communique-crawl-corpus-');
const dataDir = tempDir('communique-crawl-');
let ids: string[];
let site: Hono;
let rebuildLines: string[];
let closeDb: () => void;

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [path.join(ROOT, '../shared/bench/make-corpus.mjs'), '--count', String(COUNT), '--seed', '5', '--out', corpus],
    {
      cwd: ROOT,
    },
  );
  ids = fs
    .readFileSync(path.join(corpus, 'statements.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { id: string }).id);
  process.env.DATA_DIR = dataDir;
  process.env.DEMO_DATA = 'off';
  const imported = await cli([
    'import',
    '--parties',
    path.join(corpus, 'parties.json'),
    '--statements',
    path.join(corpus, 'statements.jsonl'),
  ]);
  expect(imported.code).toBe(0);
  const rebuilt = await cli(['rebuild']);
  expect(rebuilt.code, rebuilt.errors.join('\n')).toBe(0);
  rebuildLines = rebuilt.lines;
  const platform = localDeps(readLocalSettings());
  closeDb = () => platform.db.close();
  site = new Hono();
  site.get('*', serveSite(platform.site));
}, 120_000);
afterAll(() => {
  closeDb?.();
  for (const dir of [corpus, dataDir]) fs.rmSync(dir, { recursive: true, force: true });
});

/** The site's own links in a page: paths on this site, without fragments or queries. */
function linksOf(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)]
    .map((m) => (m[1] as string).replace(/&amp;/g, '&'))
    .filter((href) => href.startsWith('/') && !href.startsWith('//'))
    .map((href) => href.replace(/[#?].*$/, ''));
}

describe('a crawler from the home page', () => {
  it('reaches every imported statement through listing and archive pages', async () => {
    const seen = new Set<string>(['/']);
    const queue = ['/'];
    const broken: string[] = [];
    while (queue.length) {
      const at = queue.shift() as string;
      const res = await site.request(at);
      if (res.status !== 200) {
        broken.push(`${at} ${res.status}`);
        continue;
      }
      if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
      for (const link of linksOf(await res.text())) {
        if (seen.has(link) || link.startsWith('/v1/') || link.startsWith('/search/')) continue;
        seen.add(link);
        queue.push(link);
      }
    }
    expect(broken).toEqual([]);
    const reached = [...seen].flatMap((p) => /^\/statements\/([^/]+)\/$/.exec(p)?.[1] ?? []);
    expect(reached.sort()).toEqual([...ids].sort());
    // …through numbered archive pages, and every kind of listing.
    for (const kind of ['/page/1/', '/parties/', '/countries/', '/languages/', '/topics/', '/archive/']) {
      expect(
        [...seen].some((p) => p.includes(kind)),
        kind,
      ).toBe(true);
    }
  });

  it('finds the same statements in the sitemap, which robots.txt names', async () => {
    expect(await (await site.request('/robots.txt')).text()).toContain('Sitemap: http://localhost:3000/sitemap.xml');
    const index = await parseSitemapIndex(Readable.from([await (await site.request('/sitemap.xml')).text()]));
    const listed: string[] = [];
    for (const child of index) {
      const xml = await (await site.request(new URL(child.url).pathname)).text();
      listed.push(...(await parseSitemap(Readable.from([xml]))).map((i) => new URL(i.url).pathname));
    }
    const statements = listed.flatMap((p) => /^\/statements\/([^/]+)\/$/.exec(p)?.[1] ?? []);
    expect(statements.sort()).toEqual([...ids].sort());
    expect(listed).toEqual(expect.arrayContaining(['/', '/parties/', '/countries/', '/topics/', '/archive/']));
  });

  it('was built by `rebuild`, which said what it did', () => {
    expect(rebuildLines.at(-1)).toMatch(
      new RegExp(`^rebuilt \\d+ files \\(\\d+ changed\\) from ${COUNT} statements, ${COUNT} indexed for search`),
    );
  });
});
