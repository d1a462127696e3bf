// The search index in the site store: a document file per statement and 64 shards of token -> ids.
// Updating one statement touches only the shards of its tokens; doing it twice changes nothing.
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

/** Adds or removes one statement in one shard; false when nothing changes. */
function applyToShard(shard: Shard, tokens: string[], added: Set<string>, id: string): boolean {
  let changed = false;
  for (const t of tokens) {
    const ids = shard.get(t) ?? [];
    const has = ids.includes(id);
    if (added.has(t) && !has) {
      // Newest first: statement ids sort by time.
      shard.set(t, [...ids, id].sort().reverse());
      changed = true;
    } else if (!added.has(t) && has) {
      const rest = ids.filter((x) => x !== id);
      if (rest.length) shard.set(t, rest);
      else shard.delete(t);
      changed = true;
    }
  }
  return changed;
}

const SHARD_WRITES_AT_ONCE = 8;
const CAS_ATTEMPTS = 5;

/** One shard's read-modify-write, put only if the shard is unchanged since it was read. */
async function updateShard(site: ObjectStore, n: number, tokens: string[], added: Set<string>, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await site.read(shardKey(n));
    const shard = current ? parseShard(Buffer.from(current.body).toString('utf8')) : new Map<string, string[]>();
    if (!applyToShard(shard, tokens, added, id)) return;
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
  await locks.withLock('site:search-index', async () => {
    const doc = await load();
    const previous = await readJson<SearchDoc>(site, docKey(doc.id));
    if (previous && previous.version > doc.version) return;
    const added = new Set(doc.tokens);
    const removed = new Set((previous?.tokens ?? []).filter((t) => !added.has(t)));
    const byShard = new Map<number, string[]>();
    for (const t of [...added, ...removed]) {
      const n = shardOf(t, SHARD_COUNT);
      byShard.set(n, [...(byShard.get(n) ?? []), t]);
    }
    const work = [...byShard];
    const next = async (): Promise<void> => {
      const item = work.shift();
      if (!item) return;
      await updateShard(site, item[0], item[1], added, doc.id);
      return next();
    };
    await Promise.all(Array.from({ length: SHARD_WRITES_AT_ONCE }, next));
    await site.put(docKey(doc.id), JSON.stringify(doc), 'application/json');
  });
}
