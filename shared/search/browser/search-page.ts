// The search page's script: runs in the reader's browser against the static index shards, no server.
import type { SearchDoc } from '../indexer.js';
import { parseShard, type Shard } from '../shard.js';
import { SHARD_COUNT, shardKey, shardOf, tokenize } from '../tokenize.js';

const MAX_RESULTS = 30;

async function fetchJson<T>(url: string): Promise<T | undefined> {
  const res = await fetch(url);
  if (res.status === 404 || res.status === 403) return undefined;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function fetchShard(url: string): Promise<Shard | undefined> {
  const res = await fetch(url);
  if (res.status === 404 || res.status === 403) return undefined;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseShard(await res.text());
}

async function search(query: string): Promise<SearchDoc[]> {
  const tokens = tokenize(query);
  if (tokens.length === 0) return [];
  const shards = new Map<number, Promise<Shard | undefined>>();
  for (const t of tokens) {
    const n = shardOf(t, SHARD_COUNT);
    if (!shards.has(n)) shards.set(n, fetchShard(`/${shardKey(n)}`));
  }
  let hits: string[] | undefined;
  for (const t of tokens) {
    const ids = (await shards.get(shardOf(t, SHARD_COUNT)))?.get(t) ?? [];
    hits = hits === undefined ? ids : hits.filter((id) => ids.includes(id));
    if (hits.length === 0) return [];
  }
  const top = (hits ?? []).slice(0, MAX_RESULTS);
  const docs = await Promise.all(top.map((id) => fetchJson<SearchDoc>(`/search/docs/${id}.json`)));
  return docs.filter((d): d is SearchDoc => d !== undefined);
}

function resultItem(doc: SearchDoc): HTMLLIElement {
  const li = document.createElement('li');
  li.lang = doc.language;
  li.dir = doc.dir;
  const h2 = document.createElement('h2');
  const a = document.createElement('a');
  a.href = doc.url;
  a.textContent = doc.title;
  h2.dir = 'auto';
  h2.append(a);
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.lang = 'en';
  meta.dir = 'ltr';
  meta.textContent = `${doc.parties.join(', ')} · ${doc.publishedAt.slice(0, 10)}`;
  const summary = document.createElement('p');
  summary.className = 'summary';
  summary.dir = 'auto';
  summary.textContent = doc.summary;
  li.append(h2, meta, summary);
  return li;
}

async function run(): Promise<void> {
  const input = document.getElementById('q') as HTMLInputElement;
  const status = document.getElementById('search-status') as HTMLElement;
  const list = document.getElementById('search-results') as HTMLOListElement;
  const query = new URLSearchParams(location.search).get('q')?.trim() ?? '';
  input.value = query;
  if (!query) {
    status.textContent = 'Type a word from a title, summary or body, in any language.';
    return;
  }
  status.textContent = 'Searching…';
  try {
    const docs = await search(query);
    list.replaceChildren(...docs.map(resultItem));
    status.textContent = docs.length
      ? `${docs.length} result${docs.length === 1 ? '' : 's'} for “${query}”`
      : `No statement matches “${query}”.`;
    document.body.dataset.searchState = 'done';
  } catch (e) {
    status.textContent = `Search failed: ${(e as Error).message}. Reload the page to try again.`;
    document.body.dataset.searchState = 'failed';
  }
}

void run();
