// Search at scale, as a reader meets it: for each archive size (made by ../shared/bench/make-corpus.mjs and
// the import command), build the index in a process of its own (time, peak memory, bytes), serve the
// site and run queries in several languages in headless Chromium, each in a fresh browser context (cold
// cache): requests and bytes (as stored, and gzipped as a CDN serves them), time to results. Then a
// second query in the same context (the script and the segment header are cached by then), and the
// bytes that publishing one statement rewrites.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium } from 'playwright-core';
import { FileObjectStore } from '../shared/adapters/local/file-store.js';
import { indexSearch } from '../shared/consumers/index-search.js';
import type { Party } from '../shared/domain/party.js';
import { serveSite } from '../shared/runtime/site-server.js';
import { ROOT as INDEX_ROOT, MANIFEST_KEY, type Manifest } from '../shared/search/format.js';
import { publishSiteShell } from '../shared/site/shell.js';
import { importedArchive, publishInto, ROOT } from './archive-corpus.js';
import { pct, progress, round } from './stats.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One-word queries in the archive's languages (the corpus is the UDHR in each), then a few longer ones. */
export const SEARCH_QUERIES = [
  { language: 'en', q: 'freedom' },
  { language: 'en', q: 'everyone' },
  { language: 'en', q: 'NATO' },
  { language: 'el', q: 'δικαίωμα' },
  { language: 'fa', q: 'آزادی' },
  { language: 'ja', q: '人権' },
  { language: 'zh', q: '自由' },
  { language: 'es', q: 'derechos' },
  { language: 'ar', q: 'حقوق' },
  { language: 'ru', q: 'свобода' },
  { language: 'en', q: 'human rights' },
  { language: 'es', q: 'derechos humanos' },
];

interface QueryFigures {
  language: string;
  q: string;
  results: number;
  requests: number;
  kb: number;
  gzipKb: number;
  ms: number;
}

function kb(n: number): number {
  return round(n / 1024);
}

export async function benchSearch(sizes: number[], publishes: number) {
  const results = [];
  for (const size of sizes) results.push(await benchSize(size, publishes));
  return results;
}

async function benchSize(size: number, publishes: number) {
  const { p, dataDir, files, remove } = await importedArchive(size);
  const siteDir = path.join(dataDir, 'site');
  try {
    process.stderr.write(`search ${size}: building the index\n`);
    const line = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/search-index-child.ts'), siteDir], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DEMO_DATA: 'off' },
      encoding: 'utf8',
    });
    const build = JSON.parse(line.trim().split('\n').at(-1) as string) as { bytes: number; seconds: number; peakRssMiB: number };
    const site = new FileObjectStore(siteDir);
    await publishSiteShell(site, undefined, 'http://localhost');
    const indexBytes = async () => {
      const m = JSON.parse(Buffer.from((await site.get(MANIFEST_KEY)) ?? []).toString()) as Manifest;
      let total = Buffer.byteLength(JSON.stringify(m));
      for (const id of [m.base?.id, m.delta?.id]) {
        if (!id) continue;
        for (const key of await site.list(`${INDEX_ROOT}/${id}/`)) total += (await site.get(key))?.length ?? 0;
      }
      return total;
    };
    const queries = await inChromium(site);

    // Publishing into the archive, one statement at a time: what each publish rewrites of the index.
    const parties = JSON.parse(fs.readFileSync(files.parties, 'utf8')) as Party[];
    const rewritten: number[] = [];
    const ms: number[] = [];
    let compactions = 0;
    for (let i = 0; i < publishes; i++) {
      const event = await publishInto(p, parties, i);
      const started = performance.now();
      const update = await indexSearch(p, event);
      ms.push(performance.now() - started);
      if (update.action === 'compacted') compactions++;
      else rewritten.push((100 * update.bytes) / (await indexBytes()));
      progress(`search ${size}: publishes`, i + 1, publishes);
    }
    p.db.close();
    return {
      statements: size,
      build: { seconds: round(build.seconds), peakRssMiB: round(build.peakRssMiB), indexMB: round(build.bytes / 1e6) },
      queries,
      oneWordCold: summary(queries.filter((q) => !q.q.includes(' ') && !('warm' in q))),
      publish: {
        runs: publishes,
        compactions,
        percentOfIndexRewritten: rewritten.length
          ? { p50: round(pct(rewritten, 50) * 100) / 100, max: round(Math.max(...rewritten) * 100) / 100 }
          : undefined,
        indexSearchMs: { p50: round(pct(ms, 50)), p95: round(pct(ms, 95)) },
      },
    };
  } finally {
    remove();
  }
}

function summary(qs: QueryFigures[]) {
  const of = (k: 'requests' | 'kb' | 'gzipKb' | 'ms') => ({
    p50: pct(
      qs.map((q) => q[k]),
      50,
    ),
    max: Math.max(...qs.map((q) => q[k])),
  });
  return { requests: of('requests'), kb: of('kb'), gzipKb: of('gzipKb'), ms: of('ms') };
}

/** Each query on /search/ in a fresh context, then the next query in the same context (warm cache). */
async function inChromium(site: FileObjectStore) {
  const app = new Hono();
  app.get('*', serveSite(site));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const out: Array<QueryFigures & { warm?: true }> = [];
  try {
    for (const [i, { language, q }] of SEARCH_QUERIES.entries()) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const run = async (query: string, warm: boolean) => {
        const paths: string[] = [];
        const listener = (req: { url(): string }) => void paths.push(new URL(req.url()).pathname);
        page.on('requestfinished', listener);
        const started = Date.now();
        if (!warm) await page.goto(`${base}/search/?q=${encodeURIComponent(query)}`);
        else {
          await page.fill('#q', query);
          await page.press('#q', 'Enter');
          await page.waitForFunction((qq) => new URLSearchParams(location.search).get('q') === qq, query);
        }
        await page.waitForSelector('body[data-search-state="done"]', { timeout: 60_000 });
        const ms = warm ? Date.now() - started : await page.evaluate(() => performance.now());
        const results = Number((await page.textContent('#search-status'))?.match(/^(\d+)/)?.[1] ?? 0);
        page.off('requestfinished', listener);
        // Everything the query fetched: the script and the index files (the page and its stylesheet apart).
        const fetched = paths.filter((p) => p.startsWith('/assets/search') || p.startsWith(`/${INDEX_ROOT}/`));
        let bytes = 0;
        let gzip = 0;
        for (const p of fetched) {
          const body = (await site.get(p.slice(1))) ?? new Uint8Array();
          bytes += body.length;
          gzip += zlib.gzipSync(body, { level: 6 }).length;
        }
        return { language, q: query, results, requests: fetched.length, kb: kb(bytes), gzipKb: kb(gzip), ms: Math.round(ms) };
      };
      out.push(await run(q, false));
      // The next query in the same tab: a different word of the same language.
      const next = SEARCH_QUERIES[(i + 1) % SEARCH_QUERIES.length]?.q as string;
      out.push({ ...(await run(next, true)), warm: true });
      await context.close();
      progress('search queries', i + 1, SEARCH_QUERIES.length);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}
