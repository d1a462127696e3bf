// The search index in the site store: a document file per statement and 64 shards of token -> ids.
// Updating one statement touches only the shards of its tokens; doing it twice changes nothing.
import type { Party } from '../domain/party.js';
import { type Statement, signatories, statementPath } from '../domain/statement.js';
import type { ObjectStore } from '../ports.js';
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
  /** Kept so that the next version can take this one's tokens out. */
  tokens: string[];
}

export type Shard = Record<string, string[]>;

export function docKey(id: string): string {
  return `search/docs/${id}.json`;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined;
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
    tokens: tokenize([s.title, s.summary, s.bodyText, names.join(' '), s.topics.join(' ')].join('\n')),
  };
}

export async function indexStatement(site: ObjectStore, doc: SearchDoc): Promise<void> {
  const previous = await readJson<SearchDoc>(site, docKey(doc.id));
  const added = new Set(doc.tokens);
  const removed = new Set((previous?.tokens ?? []).filter((t) => !added.has(t)));
  const byShard = new Map<number, string[]>();
  for (const t of [...added, ...removed]) {
    const n = shardOf(t, SHARD_COUNT);
    byShard.set(n, [...(byShard.get(n) ?? []), t]);
  }
  for (const [n, tokens] of byShard) {
    const shard = (await readJson<Shard>(site, shardKey(n))) ?? {};
    let changed = false;
    for (const t of tokens) {
      const ids = shard[t] ?? [];
      const has = ids.includes(doc.id);
      if (added.has(t) && !has) {
        // Newest first: statement ids sort by time.
        shard[t] = [...ids, doc.id].sort().reverse();
        changed = true;
      } else if (!added.has(t) && has) {
        const rest = ids.filter((id) => id !== doc.id);
        if (rest.length) shard[t] = rest;
        else delete shard[t];
        changed = true;
      }
    }
    if (changed) await site.put(shardKey(n), JSON.stringify(shard), 'application/json');
  }
  await site.put(docKey(doc.id), JSON.stringify(doc), 'application/json');
}
