// The search page's engine over an object store, in Node: for tests, the bench and checks from the CLI.
import type { ObjectStore } from '../ports.js';
import { queryStemmerFor } from './browser/query-stemmers.js';
import { emptyFilters, type Filters, type Results, SearchEngine } from './engine.js';

export function storeEngine(site: ObjectStore): SearchEngine {
  return new SearchEngine(async (key) => {
    const bytes = await site.get(key);
    return bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
  }, queryStemmerFor);
}

/** Searches the index in `site` as a reader would (a submitted query, no prefix matching). */
export function searchStore(
  site: ObjectStore,
  q: string,
  opts: { filters?: Partial<Filters>; limit?: number; prefix?: boolean } = {},
): Promise<Results> {
  return storeEngine(site).search({
    q,
    filters: { ...emptyFilters(), ...opts.filters },
    limit: opts.limit ?? 1000,
    prefix: opts.prefix ?? false,
  });
}

/** The statement ids a query finds (all of them, best first). */
export async function searchIds(
  site: ObjectStore,
  q: string,
  opts: { filters?: Partial<Filters>; prefix?: boolean } = {},
): Promise<string[]> {
  return (await searchStore(site, q, opts)).hits.map((h) => h.record.id);
}

/** The engine over a served site, as the search page uses it (the bench, end-to-end tests). */
export function httpEngine(siteUrl: string): SearchEngine {
  return new SearchEngine(async (key) => {
    const res = await fetch(`${siteUrl}/${key}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`${key}: HTTP ${res.status}`);
    return res.json();
  }, queryStemmerFor);
}

/** The statement ids a served site's index finds for a query (every statement for an empty one). */
export async function searchSite(siteUrl: string, q: string): Promise<string[]> {
  const r = await httpEngine(siteUrl).search({ q, filters: emptyFilters(), limit: 100_000, prefix: false });
  return r.hits.map((h) => h.record.id);
}
