// index-search: puts statements into the browser-side search index (a base segment, a delta and a
// manifest: search/indexer.ts). Batches of events become one update of the delta.
import { inParallel } from '../concurrency/in-parallel.js';
import type { StatementEvent } from '../domain/events.js';
import { HOME_LISTING } from '../domain/listings.js';
import type { Party } from '../domain/party.js';
import { type Statement, signatories } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { compactIndex, type IndexSource, type IndexUpdate, indexChanges } from '../search/indexer.js';
import type { IndexDoc } from '../search/segment-builder.js';
import { readStatement, requireStatement } from '../services/read-statement.js';

type Source = Pick<Platform, 'statements' | 'blobs' | 'parties' | 'listings'>;

const READS_AT_ONCE = 16;
/** Statements read per step of a walk over the whole archive. */
const WALK_CHUNK = 500;

export function indexDocOf(s: Statement, parties: Map<string, Party>): IndexDoc {
  return {
    id: s.id,
    version: s.version,
    title: s.title,
    summary: s.summary,
    body: s.bodyText,
    language: s.language,
    rtl: s.dir === 'rtl',
    parties: signatories(s).map((id) => {
      const party = parties.get(id);
      return { id, name: party?.name ?? id, ...(party?.short ? { short: party.short } : {}), ...(party ? { country: party.country } : {}) };
    }),
    countries: s.countries,
    topics: s.topics,
    publishedAt: s.publishedAt,
  };
}

/**
 * Every published statement in publication order (the home listing's numbering), each followed by its
 * translations, read a chunk at a time: the order a rebuild and a compaction both index in.
 */
export async function* statementsInOrder(p: Source, chunk = WALK_CHUNK): AsyncGenerator<Statement[]> {
  const size = (await p.listings.sizes(HOME_LISTING)).find((s) => s.listing === HOME_LISTING)?.size ?? 0;
  const read = async (from: number): Promise<Statement[]> => {
    const entries = await p.listings.range(HOME_LISTING, from, from + chunk - 1);
    const statements: Statement[] = new Array(entries.length);
    await inParallel(
      entries.map((e, i) => [e, i] as const),
      READS_AT_ONCE,
      async ([e, i]) => {
        statements[i] = await requireStatement(p, e.summary.id);
      },
    );
    // Translations are listed only under their languages: each follows the statement it translates.
    const translations = statements.flatMap((s) => (s.translations ?? []).map((t) => t.id));
    if (translations.length === 0) return statements;
    const read = new Map<string, Statement>();
    await inParallel(translations, READS_AT_ONCE, async (id) => {
      const t = await readStatement(p, id);
      if (t) read.set(id, t);
    });
    return statements.flatMap((s) => [s, ...(s.translations ?? []).flatMap((t) => read.get(t.id) ?? [])]);
  };
  // The next chunk is read while the caller works on this one: one chunk ahead, no more.
  const ahead = (from: number) => {
    const reading = read(from);
    // Awaited on the next step; until then a failure must not count as unhandled (it is thrown there).
    reading.catch(() => undefined);
    return reading;
  };
  let next = size >= 1 ? ahead(1) : undefined;
  for (let from = 1; next; from += chunk) {
    const statements = await next;
    next = from + chunk <= size ? ahead(from + chunk) : undefined;
    yield statements;
  }
}

/** What search finds: every statement but those withdrawn by their authors. */
export function isSearchable(s: Statement): boolean {
  return !s.retraction;
}

export function statementIndexSource(p: Source): IndexSource {
  let parties: Promise<Map<string, Party>> | undefined;
  const partyMap = () => (parties ??= p.parties.list().then((list) => new Map(list.map((x) => [x.id, x]))));
  return {
    async load(ids) {
      const map = await partyMap();
      const docs: Array<IndexDoc | undefined> = new Array(ids.length);
      await inParallel(
        ids.map((id, i) => [id, i] as const),
        READS_AT_ONCE,
        async ([id, i]) => {
          const s = await readStatement(p, id);
          // A retracted statement is taken out of the index.
          docs[i] = s && isSearchable(s) ? indexDocOf(s, map) : undefined;
        },
      );
      return docs;
    },
    async *all() {
      const map = await partyMap();
      for await (const chunk of statementsInOrder(p)) yield chunk.filter(isSearchable).map((s) => indexDocOf(s, map));
    },
  };
}

/** Site stores this process is compacting the index of. */
const compacting = new WeakSet<object>();

export interface IndexOptions {
  /**
   * Merge the delta into a new base here once it is due (default). The local worker does; a Lambda
   * consumer must not (it reads the whole archive, far beyond a consumer's timeout): on AWS the scheduled
   * compact-search function does it.
   */
  compact?: boolean;
}

/** Puts the statements of these events into the index, as stored now (one event, or a batch). */
export async function indexSearchOf(
  p: Source & Pick<Platform, 'site' | 'locks'>,
  events: StatementEvent[],
  opts: IndexOptions = {},
): Promise<IndexUpdate> {
  const source = statementIndexSource(p);
  const update = await indexChanges(
    p.site,
    p.locks,
    events.map((e) => e.statementId),
    source,
  );
  if (!update.compactDue || opts.compact === false || compacting.has(p.site)) return update;
  // One compaction at a time in this process: the batches that finish meanwhile find their statements in it.
  compacting.add(p.site);
  try {
    const compacted = await compactIndex(p.site, p.locks, source);
    return { ...compacted, bytes: update.bytes + compacted.bytes };
  } catch (e) {
    // The statements are in the delta already: a compaction that fails is tried again by the next batch,
    // and must not fail (and redeliver) this one.
    console.error(`search index: compaction failed, the delta stays: ${(e as Error)?.stack ?? e}`);
    return update;
  } finally {
    compacting.delete(p.site);
  }
}

export async function indexSearch(
  p: Source & Pick<Platform, 'site' | 'locks'>,
  event: StatementEvent,
  opts: IndexOptions = {},
): Promise<IndexUpdate> {
  return indexSearchOf(p, [event], opts);
}

/** Merges the delta into a new base now (what a publish does once the delta is large), as a rebuild would build it. */
export async function compactSearchIndex(p: Source & Pick<Platform, 'site' | 'locks'>): Promise<IndexUpdate> {
  return compactIndex(p.site, p.locks, statementIndexSource(p));
}
