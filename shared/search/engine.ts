// The query side of the search index, run in the reader's browser (and by tests in Node): reads the
// manifest, the terms files the query's words fall in and the facet values, then ranks with BM25 over
// the stored impacts, filters, counts facets and returns a page of hits with their records and excerpts.
// Nothing from the index is trusted as markup: the page renders every string as text.
import { MIN_STEM, queryLanguage, STEM_SLACK, type StemmerFor, suffixStemmed, termOf, type Word, words } from './analyze.js';
import {
  DOCS_PER_BATCH,
  type DocFacets,
  type DocRecord,
  type DocsFile,
  decodeCounts,
  decodeDocFacets,
  decodeFacetDocs,
  decodePostings,
  docsKey,
  type FacetColumns,
  FORMAT,
  facetsKey,
  fileOf,
  headerKey,
  MANIFEST_KEY,
  type Manifest,
  type SegmentHeader,
  type SegmentInfo,
  type StoredRecord,
  type TermsFile,
  termsKey,
} from './format.js';

export const FACETS = ['party', 'country', 'language', 'topic', 'year'] as const;
export type Facet = (typeof FACETS)[number];
export type Filters = Record<Facet, string[]>;

export interface Query {
  q: string;
  filters: Filters;
  /** Hits wanted: the first `limit` (a "more results" button asks for more). */
  limit: number;
  /** Match the last word as the start of a word too (as the reader types). */
  prefix: boolean;
}

export interface Hit {
  record: DocRecord;
  excerpt: string;
  score: number;
}

export interface FacetCount {
  value: string;
  label: string;
  count: number;
}

export interface Results {
  total: number;
  hits: Hit[];
  facets: Record<Facet, FacetCount[]>;
  /** The index terms the query matched, for highlighting. */
  terms: string[];
}

export type FetchJson = (key: string, immutable: boolean) => Promise<unknown>;

const PREFIX_TERMS = 30;
/** The facet of each of a term's counts, in format.ts's COUNTED order. */
const COUNTED_AS: Facet[] = ['language', 'year', 'party', 'country', 'topic'];
/** Where a segment's header lists each facet's values. */
const VALUES_OF = { country: 'countries', language: 'languages', topic: 'topics', year: 'years' } as const;
const DELTA = 2 ** 31;
const ACRONYM_QUERY = /^\p{Lu}{2,6}$/u;
const LETTERS = /^\p{L}+$/u;
const LATIN = /\p{Script=Latin}/u;

export class StaleIndexError extends Error {
  constructor(key: string) {
    super(`${key} is no longer in the index`);
  }
}

export function emptyFilters(): Filters {
  return { party: [], country: [], language: [], topic: [], year: [] };
}

interface Segment {
  info: SegmentInfo;
  header: SegmentHeader;
  /** Added to the segment's document numbers: base documents and delta documents never share a key. */
  offset: number;
  columns: () => Promise<FacetColumns>;
}

interface WordPlan {
  word: Word;
  exact: Set<string>;
  acronym?: string;
  /** Index terms that begin the word (its stem in another language) are accepted from this length. */
  stemFrom?: number;
  prefix: boolean;
  /** Ranges of terms to read besides the exact ones: the stems that may begin the word, the words it begins. */
  ranges: Array<[string, string]>;
}

/** Never below zero: df counts postings of replaced documents too until the next compaction. */
function idf(n: number, df: number): number {
  const d = Math.min(df, n);
  return Math.log(1 + (n - d + 0.5) / (d + 0.5));
}

export class SearchEngine {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly decodedFacets = new Map<string, DocFacets[]>();

  constructor(
    private readonly fetchJson: FetchJson,
    private readonly stemmerFor: StemmerFor,
    private readonly pageLanguage = 'en',
  ) {}

  private immutable<T>(key: string): Promise<T> {
    let p = this.cache.get(key);
    if (!p) {
      p = this.fetchJson(key, true).then((body) => {
        // A segment file missing: the index moved on since the manifest was read (retired segments go).
        if (body === undefined) throw new StaleIndexError(key);
        return body;
      });
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p as Promise<T>;
  }

  async manifest(): Promise<Manifest | undefined> {
    const m = (await this.fetchJson(MANIFEST_KEY, false)) as Manifest | undefined;
    if (m && m.format !== FORMAT) throw new Error('the search index was upgraded; reload the page');
    return m;
  }

  private plan(q: string, filters: Filters, prefix: boolean): WordPlan[] {
    const ws = words(q);
    const shouting = ws.length > 1 && ws.every((w) => ACRONYM_QUERY.test(q.slice(w.start, w.end)));
    return ws.map((word, i) => {
      const language = filters.language.length === 1 ? filters.language[0] : queryLanguage(word.lower, this.pageLanguage);
      const stem = language ? this.stemmerFor(language) : undefined;
      const own = termOf(word, stem);
      // The word folded, as stemmed, and (Vietnamese keeps its marks in the index) as written.
      const exact = new Set([word.folded, own, ...(LATIN.test(word.lower) ? [word.lower] : [])]);
      const isPrefix = prefix && i === ws.length - 1;
      // Another language's stem of the word begins it ("huelgas" -> "huelg"), and is at most a letter shorter
      // than the page's own stem of it ("freedom" does not match "free").
      const stemFrom = suffixStemmed(word.folded) ? Math.max(MIN_STEM, own.length - 1, word.folded.length - STEM_SLACK) : undefined;
      return {
        word,
        exact,
        ...(word.acronym && !shouting ? { acronym: `${word.folded}!` } : {}),
        ...(stemFrom ? { stemFrom } : {}),
        prefix: isPrefix,
        ranges: [
          ...(stemFrom ? [[word.folded.slice(0, stemFrom), word.folded] as [string, string]] : []),
          ...(isPrefix ? [[word.folded, `${word.folded}\uffff`] as [string, string]] : []),
        ],
      };
    });
  }

  /** Does index term `t` match the planned word (apart from the acronym)? */
  private matches(plan: WordPlan, t: string): boolean {
    if (t.endsWith('!')) return false;
    if (plan.exact.has(t)) return true;
    const w = plan.word.folded;
    if (plan.prefix && t.startsWith(w)) return true;
    // A stem cuts letters off the end of a word: "word1" is not a stem of "word10".
    return plan.stemFrom !== undefined && t.length >= plan.stemFrom && w.startsWith(t) && LETTERS.test(w.slice(t.length));
  }

  private async facetsOf(segment: Segment): Promise<DocFacets[]> {
    const known = this.decodedFacets.get(segment.info.id);
    if (known) return known;
    const decoded = decodeFacetDocs(await segment.columns(), segment.header.values);
    this.decodedFacets.set(segment.info.id, decoded);
    return decoded;
  }

  /** Runs a query; if the index moved on under it (a segment retired meanwhile), once more on the new manifest. */
  async search(query: Query): Promise<Results> {
    try {
      return await this.searchOnce(query);
    } catch (e) {
      if (!(e instanceof StaleIndexError)) throw e;
      return this.searchOnce(query);
    }
  }

  private async searchOnce(query: Query): Promise<Results> {
    const manifest = await this.manifest();
    if (!manifest) return { total: 0, hits: [], facets: { party: [], country: [], language: [], topic: [], year: [] }, terms: [] };
    const segments: Segment[] = [];
    if (manifest.base) {
      const base = manifest.base;
      segments.push({
        info: base,
        header: await this.immutable<SegmentHeader>(headerKey(base.id)),
        offset: 0,
        columns: () => this.immutable<FacetColumns>(facetsKey(base.id)),
      });
    }
    if (manifest.delta) {
      const { header, facets, ...info } = manifest.delta;
      segments.push({ info, header, offset: DELTA, columns: async () => facets });
    }
    const segmentOf = (key: number) => (key >= DELTA ? segments.find((x) => x.offset === DELTA) : segments[0]) as Segment;
    const superseded = new Map(manifest.superseded.map((doc, i) => [doc, manifest.supersededFacets[i] ?? '']));
    const live = (segment: Segment, doc: number) => segment.offset !== 0 || !superseded.has(doc);
    const totalDocs = segments.reduce((n, s) => n + s.info.docs, 0) - superseded.size;
    const plans = this.plan(query.q, query.filters, query.prefix);
    const filtered = FACETS.some((f) => query.filters[f].length > 0);

    // The terms files each word falls in, per segment, fetched at once.
    const files = new Map<string, Promise<TermsFile>>();
    const filesOf = (segment: Segment, plan: WordPlan): string[] => {
      const bounds = segment.header.bounds;
      const keys: string[] = [];
      for (const [low, high] of plan.ranges)
        for (let n = fileOf(bounds, low); n <= fileOf(bounds, high); n++) keys.push(termsKey(segment.info.id, n));
      for (const t of [...plan.exact, ...(plan.acronym ? [plan.acronym] : [])]) keys.push(termsKey(segment.info.id, fileOf(bounds, t)));
      return [...new Set(keys)];
    };
    const planFiles = plans.map((plan) => segments.map((s) => filesOf(s, plan)));
    for (const key of planFiles.flat(2)) if (!files.has(key)) files.set(key, this.immutable(key));

    // Per word: the matching terms' postings in each segment; a word's score for a document is its best term.
    const matchedTerms = new Set<string>();
    const records = new Map<number, StoredRecord>();
    const excerpts = new Map<number, string>();
    const wordScores: Array<Map<number, number>> = [];
    // For a one-word query: the chosen terms' facet counts, and whether their documents overlap.
    const chosenCounts: Array<{ segment: Segment; counts: string }> = [];
    let postingsSeen = 0;
    const docsSeen = new Set<number>();
    const supersededSeen = new Set<number>();
    for (const [p, plan] of plans.entries()) {
      const entries: Array<{
        segment: Segment;
        term: string;
        postings: string;
        heads: Array<[number, string]>;
        counts: string;
        docs: TermsFile['docs'];
      }> = [];
      for (const [i, s] of segments.entries()) {
        for (const key of planFiles[p]?.[i] ?? []) {
          const file = await (files.get(key) as Promise<TermsFile>);
          for (const [term, postings, heads, counts] of file.terms) {
            if (term === plan.acronym || this.matches(plan, term))
              entries.push({ segment: s, term, postings, heads, counts, docs: file.docs });
          }
        }
      }
      // A query word in capitals that the index has as an acronym matches only the acronym.
      const acronymHits = entries.filter((e) => e.term === plan.acronym);
      let chosen = acronymHits.length ? acronymHits : entries.filter((e) => e.term !== plan.acronym);
      if (plan.prefix) {
        // As the reader types: the exact and stem matches, and the most frequent words that begin so.
        const byTerm = new Map<string, number>();
        for (const e of chosen) byTerm.set(e.term, (byTerm.get(e.term) ?? 0) + e.postings.length);
        const keep = new Set(
          [...byTerm]
            .filter(([t]) => !plan.exact.has(t))
            .sort((a, b) => b[1] - a[1])
            .slice(0, PREFIX_TERMS)
            .map(([t]) => t),
        );
        chosen = chosen.filter((e) => plan.exact.has(e.term) || keep.has(e.term) || plan.word.folded.startsWith(e.term));
      }
      const decoded = chosen.map((e) => ({ ...e, list: decodePostings(e.postings) }));
      const df = new Map<string, number>();
      for (const e of decoded) df.set(e.term, (df.get(e.term) ?? 0) + e.list.length);
      const scores = new Map<number, number>();
      for (const e of decoded) {
        matchedTerms.add(e.term);
        chosenCounts.push({ segment: e.segment, counts: e.counts });
        postingsSeen += e.list.length;
        const weight = idf(Math.max(totalDocs, 1), df.get(e.term) ?? 1);
        for (const [doc, impact] of e.list) {
          const key = e.segment.offset + doc;
          docsSeen.add(key);
          if (!live(e.segment, doc)) {
            supersededSeen.add(doc);
            continue;
          }
          const score = weight * impact;
          const known = scores.get(key);
          if (known === undefined || score > known) scores.set(key, score);
        }
        for (const [doc, excerpt] of e.heads) {
          const key = e.segment.offset + doc;
          if (excerpt && !excerpts.has(key)) excerpts.set(key, excerpt);
        }
        for (const [doc, record] of e.docs) {
          const key = e.segment.offset + doc;
          if (records.get(key)?.summary === undefined) records.set(key, record);
        }
      }
      wordScores.push(scores);
    }

    // Documents with every word (or, with no words, every document).
    const candidates: Array<[number, number]> = [];
    if (plans.length === 0) {
      for (const s of segments) for (let doc = 0; doc < s.info.docs; doc++) if (live(s, doc)) candidates.push([s.offset + doc, 0]);
    } else {
      const [first, ...rest] = [...wordScores].sort((a, b) => a.size - b.size);
      for (const [key, score] of first ?? new Map<number, number>()) {
        let total = score;
        let all = true;
        for (const other of rest) {
          const s = other.get(key);
          if (s === undefined) {
            all = false;
            break;
          }
          total += s;
        }
        if (all) candidates.push([key, total]);
      }
    }

    const counts = Object.fromEntries(FACETS.map((f) => [f, new Map<string, number>()])) as Record<Facet, Map<string, number>>;
    const labels = new Map<string, string>();
    /** A facet value by its number in a segment (a party's name is kept as its label). */
    const valueName = (segment: Segment, facet: Facet, i: number): string => {
      const v = segment.header.values;
      if (facet !== 'party') return v[VALUES_OF[facet]][i] ?? '';
      const [id, name] = v.parties[i] ?? ['', ''];
      labels.set(id, name);
      return id;
    };
    const valuesOf = (segment: Segment, f: DocFacets): Record<Facet, string[]> => ({
      party: f.parties.map((i) => valueName(segment, 'party', i)),
      country: f.countries.map((i) => valueName(segment, 'country', i)),
      language: [valueName(segment, 'language', f.language)],
      topic: f.topics.map((i) => valueName(segment, 'topic', i)),
      year: [valueName(segment, 'year', f.year)],
    });
    let hits: Array<[number, number]>;
    const everything = plans.length === 0 && !filtered;
    if (everything || (plans.length === 1 && !filtered && postingsSeen === docsSeen.size)) {
      // One word, no filter, its terms in different documents: the terms' own counts add up (with no word
      // at all, the segments' counts), less the base documents the delta replaced (their old values are
      // in the manifest).
      hits = candidates;
      const sources = everything ? segments.map((segment) => ({ segment, counts: segment.header.counts })) : chosenCounts;
      if (everything) for (const doc of superseded.keys()) supersededSeen.add(doc);
      for (const { segment, counts: encoded } of sources) {
        decodeCounts(encoded).forEach((values, i) => {
          const facet = COUNTED_AS[i] as Facet;
          for (const [value, n] of values) {
            const name = valueName(segment, facet, value);
            counts[facet].set(name, (counts[facet].get(name) ?? 0) + n);
          }
        });
      }
      const base = segments.find((x) => x.offset === 0);
      for (const doc of supersededSeen) {
        if (!base) break;
        const values = valuesOf(base, decodeDocFacets(superseded.get(doc) ?? ''));
        for (const facet of FACETS) for (const v of new Set(values[facet])) counts[facet].set(v, (counts[facet].get(v) ?? 1) - 1);
      }
      for (const facet of FACETS) for (const [v, n] of counts[facet]) if (n <= 0) counts[facet].delete(v);
    } else {
      // Filters, several words, or overlapping terms: every candidate's values, from the facet columns.
      const columns = await Promise.all(segments.map((s) => this.facetsOf(s)));
      hits = [];
      for (const [key, score] of candidates) {
        const segment = segmentOf(key);
        const f = columns[segments.indexOf(segment)]?.[key - segment.offset];
        if (!f) continue;
        const values = valuesOf(segment, f);
        const passes = FACETS.map(
          (facet) => query.filters[facet].length === 0 || values[facet].some((v) => query.filters[facet].includes(v)),
        );
        const failing = passes.filter((p) => !p).length;
        if (failing === 0) hits.push([key, score]);
        FACETS.forEach((facet, i) => {
          // A facet's counts ignore its own filter: they say what choosing another value would give.
          if (failing === 0 || (failing === 1 && !passes[i])) {
            for (const v of new Set(values[facet])) counts[facet].set(v, (counts[facet].get(v) ?? 0) + 1);
          }
        });
      }
    }
    // Ties go to the older statement, as each term's best hits were chosen; with no words, newest first.
    const older = plans.length ? 1 : -1;
    hits.sort((a, b) => b[1] - a[1] || older * (a[0] - b[0]));
    const page = hits.slice(0, query.limit);

    // Records of hits that no fetched terms file carried (or carried without the summary they show) come
    // from the document batches.
    const missing = page.filter(([key]) => !records.has(key) || (!excerpts.get(key) && records.get(key)?.summary === undefined));
    // Requested all at once (the engine's cache shares a batch between hits), then read in order.
    const batchOf = ([key]: [number, number]) => {
      const s = segmentOf(key);
      return this.immutable<DocsFile>(docsKey(s.info.id, Math.floor((key - s.offset) / DOCS_PER_BATCH)));
    };
    const fetching = missing.map(batchOf);
    for (const [i, [key]] of missing.entries()) {
      const record = (await fetching[i])?.docs[(key - segmentOf(key).offset) % DOCS_PER_BATCH];
      if (record) records.set(key, record);
    }

    const facetList = (facet: Facet): FacetCount[] =>
      [...counts[facet]]
        .map(([value, count]) => ({ value, count, label: facet === 'party' ? (labels.get(value) ?? value) : value }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    return {
      total: hits.length,
      hits: page.flatMap(([key, score]) => {
        const stored = records.get(key);
        if (!stored) return [];
        // Parties by name, from the segment's facet values.
        const names = segmentOf(key).header.values.parties;
        const record: DocRecord = { ...stored, summary: stored.summary ?? '', parties: stored.parties.map((i) => names[i]?.[1] ?? '') };
        return [{ record, excerpt: excerpts.get(key) ?? '', score }];
      }),
      facets: Object.fromEntries(FACETS.map((f) => [f, facetList(f)])) as Record<Facet, FacetCount[]>,
      terms: [...matchedTerms],
    };
  }
}
