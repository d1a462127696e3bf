// The search index in the site store: a document file per statement and 64 shards of token -> ids.
// Updating one statement touches only the shards of its tokens; doing it twice changes nothing.
import { inParallel } from '../concurrency/in-parallel.js';
import type { Party } from '../domain/party.js';
import { type Statement, signatories, statementPath } from '../domain/statement.js';
import { PreconditionFailedError } from '../errors.js';
import type { Locks, ObjectStore } from '../ports.js';
import { parseShard, type Shard, serializeShard } from './shard.js';
import { SHARD_COUNT, shardKey, shardOf, tokenize } from './tokenize.js';

export interface SearchDoc {
  id: string;
  title: string;
  summary: string;
  url: string;
  language: string;
  dir: 'ltr' | 'rtl';
  parties: string[];
  publishedAt: string;
  /** The statement version indexed: an older one never replaces it. */
  version: number;
  /** Kept so that the next version can take this one's tokens out. */
  tokens: string[];
}

export function docKey(id: string): string {
  return `search/docs/${id}.json`;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined;
}

/** One statement's change to the index: the tokens it has now, and the ones it had. */
interface DocChange {
  id: string;
  added: Set<string>;
  tokens: string[];
}

/** Adds or removes statements in one shard; false when nothing changes. Each token's ids are sorted once. */
function applyToShard(shard: Shard, changes: DocChange[]): boolean {
  const edits = new Map<string, { add: Set<string>; drop: Set<string> }>();
  for (const { id, added, tokens } of changes) {
    for (const t of tokens) {
      const edit = edits.get(t) ?? { add: new Set<string>(), drop: new Set<string>() };
      edits.set(t, edit);
      if (added.has(t)) edit.add.add(id);
      else edit.drop.add(id);
    }
  }
  let changed = false;
  for (const [t, { add, drop }] of edits) {
    const ids = shard.get(t) ?? [];
    const present = new Set(ids);
    const adding = [...add].filter((id) => !present.has(id));
    const dropping = ids.some((id) => drop.has(id));
    if (!adding.length && !dropping) continue;
    changed = true;
    // Newest first: statement ids sort by time.
    const next = [...ids.filter((id) => !drop.has(id)), ...adding].sort().reverse();
    if (next.length) shard.set(t, next);
    else shard.delete(t);
  }
  return changed;
}

const SHARD_WRITES_AT_ONCE = 8;
const DOCS_AT_ONCE = 16;
const CAS_ATTEMPTS = 5;

/** One shard's read-modify-write, put only if the shard is unchanged since it was read. */
async function updateShard(site: ObjectStore, n: number, changes: DocChange[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await site.read(shardKey(n));
    const shard = current ? parseShard(Buffer.from(current.body).toString('utf8')) : new Map<string, string[]>();
    if (!applyToShard(shard, changes)) return;
    try {
      await site.put(shardKey(n), serializeShard(shard), 'application/json', current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      return;
    } catch (e) {
      if (!(e instanceof PreconditionFailedError) || attempt >= CAS_ATTEMPTS) throw e;
    }
  }
}

export function searchDocOf(s: Statement, parties: Map<string, Party>): SearchDoc {
  const names = signatories(s).map((id) => parties.get(id)?.name ?? id);
  return {
    id: s.id,
    title: s.title,
    summary: (s.summary || s.bodyText).slice(0, 280),
    url: statementPath(s.id),
    language: s.language,
    dir: s.dir,
    parties: names,
    publishedAt: s.publishedAt,
    version: s.version,
    tokens: tokenize([s.title, s.summary, s.bodyText, names.join(' '), s.topics.join(' ')].join('\n')),
  };
}

/**
 * Puts one statement into the index (or moves it to its new tokens). The shards are shared by every
 * statement, so the whole update runs under the index's lock, and each shard write is conditional. The
 * document is built under the lock too (`load` reads the statement): a record that waited for the lock
 * indexes what is stored now, never an older version read before a newer one was indexed.
 */
export async function indexStatement(site: ObjectStore, locks: Locks, load: () => Promise<SearchDoc>): Promise<void> {
  await indexStatements(site, locks, async () => [await load()]);
}

/**
 * Puts many statements into the index in one pass: each shard is read and written once for the lot (a
 * rebuild's batches). Same lock, same conditional writes, same result as one statement at a time.
 */
export async function indexStatements(
  site: ObjectStore,
  locks: Locks,
  load: () => Promise<SearchDoc[]>,
  /** Shards read and written at once: several hide S3's latency; each holds a parsed shard in memory. */
  shardsAtOnce = SHARD_WRITES_AT_ONCE,
): Promise<void> {
  await locks.withLock('site:search-index', async () => {
    const docs = await load();
    // The documents as indexed now, read at once: their tokens are what each update takes out.
    const previous = new Map<string, SearchDoc | undefined>();
    await inParallel(docs, DOCS_AT_ONCE, async (doc) => void previous.set(doc.id, await readJson<SearchDoc>(site, docKey(doc.id))));
    const byShard = new Map<number, DocChange[]>();
    const current = docs.filter((doc) => !((previous.get(doc.id)?.version ?? 0) > doc.version));
    for (const doc of current) {
      const added = new Set(doc.tokens);
      const removed = (previous.get(doc.id)?.tokens ?? []).filter((t) => !added.has(t));
      const tokensByShard = new Map<number, string[]>();
      for (const t of [...added, ...new Set(removed)]) {
        const n = shardOf(t, SHARD_COUNT);
        tokensByShard.set(n, [...(tokensByShard.get(n) ?? []), t]);
      }
      for (const [n, tokens] of tokensByShard) {
        const changes = byShard.get(n) ?? [];
        changes.push({ id: doc.id, added, tokens });
        byShard.set(n, changes);
      }
    }
    await inParallel(byShard, shardsAtOnce, ([n, changes]) => updateShard(site, n, changes));
    await inParallel(current, DOCS_AT_ONCE, (doc) => site.put(docKey(doc.id), JSON.stringify(doc), 'application/json'));
  });
}
