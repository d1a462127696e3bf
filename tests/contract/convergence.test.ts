// Convergence, on both adapter sets: statements submitted at once with out-of-order publication dates,
// some signed by their cosigners meanwhile, their events handled as they come, in parallel, some twice.
// Once everything is handled, a rebuild from the stored statements into a second, empty store writes
// exactly the same files, byte for byte, as the publishes did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactSearchIndex, indexSearch, indexSearchOf } from '../../shared/consumers/index-search.js';
import { renderPages, renderPagesOf } from '../../shared/consumers/render-pages.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { ARCHIVE_PAGE_SIZE } from '../../shared/domain/listings.js';
import type { Platform } from '../../shared/platform.js';
import type { ObjectStore } from '../../shared/ports.js';
import { MANIFEST_KEY, type Manifest, ROOT } from '../../shared/search/format.js';
import { searchIds } from '../../shared/search/store-search.js';
import { rebuildSite } from '../../shared/services/rebuild.js';
import { signStatement, submitStatement } from '../../shared/services/statements.js';
import { publishSiteShell } from '../../shared/site/shell.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aStatementInput, publishedEvent } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

/** A little more than one archive page on the home listing, so that page 1 fills and page 2 starts. */
const COUNT = ARCHIVE_PAGE_SIZE + 7;
const AUTHORS = [
  { party: 'kke', language: 'el' },
  { party: 'tkp', language: 'tr' },
  { party: 'tudeh', language: 'fa' },
  { party: 'jcp', language: 'ja' },
] as const;
const TOPICS = ['peace', 'strikes', 'nato', 'housing'];

/** A seeded shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Runs at most `n` tasks at once. */
function limited(n: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

function manifestOf(bytes: Uint8Array | undefined): Manifest {
  return JSON.parse(Buffer.from(bytes ?? []).toString('utf8')) as Manifest;
}

async function filesOf(store: ObjectStore): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const key of await store.list('')) files.set(key, Buffer.from((await store.get(key)) ?? []));
  return files;
}

describe.each(adapters.sets)('$name', ({ make, makeStore }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
    await publishSiteShell(p.site, undefined, p.config.siteUrl);
  });

  it('publishes incrementally exactly what a rebuild writes, whatever the order and concurrency of the events', async () => {
    const handled: Array<Promise<unknown>> = [];
    const events: StatementEvent[] = [];
    // At most four renders at once, as the event source's maximum concurrency bounds them on AWS (here
    // dynalite, s3rver and every consumer share one process); index updates one at a time, so that none
    // waits out its lock on a loaded machine (concurrent indexing is concurrency.test.ts's subject).
    const rendering = limited(4);
    const indexing = limited(1);
    // Each event is handled as soon as it exists, while other statements are still being stored; some
    // are held back and handled in batches (as the local worker takes a backlog), later.
    const held: StatementEvent[] = [];
    const handle = (e: StatementEvent, later = false) => {
      events.push(e);
      if (later) held.push(e);
      else handled.push(Promise.all([rendering(() => renderPages(p, e)), indexing(() => indexSearch(p, e))]));
    };
    const dates = shuffled(
      Array.from({ length: COUNT }, (_, i) => new Date(Date.UTC(2019, 0, 1) + i * 41 * 86_400_000).toISOString()),
      7,
    );
    const submit = (publishedAt: string, i: number) =>
      (async () => {
        const author = AUTHORS[i % AUTHORS.length] as (typeof AUTHORS)[number];
        // Joint statements in the second wave: a signature re-renders pages, which would hide a missed one.
        const cosigner =
          i >= ARCHIVE_PAGE_SIZE && i % 3 === 0 ? (AUTHORS[(i + 1) % AUTHORS.length] as (typeof AUTHORS)[number]).party : undefined;
        const { statement } = await submitStatement(
          p,
          author.party,
          aStatementInput({
            title: `Statement ${i} <of> ${author.party}`,
            language: author.language,
            topics: TOPICS.filter((_, t) => (i >> t) & 1),
            publishedAt,
            ...(cosigner ? { cosigners: [cosigner] } : {}),
            ...(i % 5 === 0 ? { countries: ['GR', 'CY'] } : {}),
          }),
        );
        handle(publishedEvent(statement), i >= ARCHIVE_PAGE_SIZE && i % 2 === 0);
        return { statement, cosigner };
      })();
    // A first wave fills the home listing's first archive page and is fully handled; the second starts
    // its second page, which must make the first one link forward.
    const first = ARCHIVE_PAGE_SIZE;
    const submitted = await Promise.all(dates.slice(0, first).map((at, i) => submit(at, i)));
    await Promise.all(handled);
    submitted.push(...(await Promise.all(dates.slice(first).map((at, i) => submit(at, first + i)))));
    // Cosigners sign while the first renders are still running.
    await Promise.all(
      submitted.map(async ({ statement, cosigner }) => {
        if (!cosigner) return;
        const signed = await signStatement(p, cosigner, statement.id);
        const s = signed.statement;
        handle({ type: 'statement.signed', statementId: s.id, version: s.version, party: cosigner, occurredAt: s.createdAt });
      }),
    );
    await Promise.all(handled);
    const batches = [held.slice(0, held.length / 2), held.slice(held.length / 2)];
    await Promise.all(
      batches.map((batch) => Promise.all([rendering(() => renderPagesOf(p, batch)), indexing(() => indexSearchOf(p, batch))])),
    );
    // Redeliveries of the second wave, in another order, all at once.
    await Promise.all(
      shuffled(events.slice(ARCHIVE_PAGE_SIZE), 11)
        .slice(0, 12)
        .map((e) => Promise.all([rendering(() => renderPages(p, e)), indexing(() => indexSearch(p, e))])),
    );

    const rebuilt = await makeStore();
    const report = await rebuildSite(p, { site: rebuilt, locks: p.locks });
    expect(report.statements).toBe(COUNT);
    // Before compaction the index has a delta: it finds every statement all the same.
    const before = manifestOf(await p.site.get(MANIFEST_KEY));
    expect(before.delta).toBeDefined();
    expect((await searchIds(p.site, '')).sort()).toEqual((await searchIds(rebuilt, '')).sort());
    // Compacted, the incremental index is the rebuilt one: the same base segment, byte for byte, and no delta.
    await compactSearchIndex(p);

    const [incremental, fresh] = await Promise.all([filesOf(p.site), filesOf(rebuilt)]);
    const live = (files: Map<string, Buffer>) => {
      const m = manifestOf(files.get(MANIFEST_KEY));
      // Retired segments stay for an hour (readers may still be using them); the manifest's generation counts writes.
      return [...files.keys()].filter((k) => !k.startsWith(`${ROOT}/`) || k.startsWith(`${ROOT}/${m.base?.id}/`));
    };
    expect(live(fresh)).toEqual(live(incremental));
    const differing = live(incremental).filter((key) => !fresh.get(key)?.equals(incremental.get(key) as Buffer));
    expect(differing).toEqual([]);
    const [a, b] = [manifestOf(incremental.get(MANIFEST_KEY)), manifestOf(fresh.get(MANIFEST_KEY))];
    expect({ ...a, generation: 0, retired: [] }).toEqual({ ...b, generation: 0, retired: [] });
    expect(a.delta).toBeUndefined();
    // What was compared: every page type, the feeds, the sitemap and the search index.
    const keys = [...incremental.keys()];
    for (const expected of [
      'index.html',
      'page/1/index.html',
      'page/2/index.html',
      'feed.xml',
      'feed.json',
      'parties/index.html',
      'parties/tudeh/index.html',
      'parties/tudeh/page/1/index.html',
      'countries/cy/index.html',
      'languages/fa/index.html',
      'topics/nato/feed.json',
      'archive/index.html',
      'archive/2019/index.html',
      'sitemap.xml',
      'sitemaps/pages.xml',
      'robots.txt',
    ]) {
      expect(keys, expected).toContain(expected);
    }
    expect(keys).toContain('search/v2/manifest.json');
    expect(keys.filter((k) => /^search\/v2\/[^/]+\/t\d+\.json$/.test(k)).length).toBeGreaterThan(0);
    expect(await searchIds(p.site, '')).toHaveLength(COUNT);
    expect(keys.filter((k) => /^statements\/[^/]+\/index\.html$/.test(k))).toHaveLength(COUNT);
    // A second rebuild over the same store finds nothing to change.
    const again = await rebuildSite(p, { site: rebuilt, locks: p.locks });
    expect(again.written).toBe(0);
  }, 180_000);
});
