// Builds one immutable segment of the search index from documents streamed in order. Memory holds the
// postings (numbers, not text), each document's record and facet values, and for each term a few
// candidate best hits with their excerpts: never the documents' text. The output depends only on the
// documents and their order, so a rebuild and a compaction of the same statements write the same bytes.
import { createHash } from 'node:crypto';
import { type StemmerFor, scanTerms } from './analyze.js';
import {
  B,
  DOCS_PER_BATCH,
  type DocFacets,
  docsKey,
  encodeCounts,
  encodeDocFacets,
  encodeFacetDocs,
  encodePostings,
  type FacetColumns,
  type FacetValues,
  FIELD_WEIGHTS,
  FORMAT,
  facetsKey,
  HEADS_PER_TERM,
  headerKey,
  IDS_PER_FILE,
  type IdsEntry,
  IMPACT_LEVELS,
  idsKey,
  K1,
  type SegmentHeader,
  type SegmentInfo,
  type StoredRecord,
  type TermEntry,
  type TermsFile,
  termsKey,
} from './format.js';

/** What the index needs of a statement. */
export interface IndexDoc {
  id: string;
  version: number;
  title: string;
  summary: string;
  body: string;
  language: string;
  rtl: boolean;
  /** The signatories (author first), with their names and countries. */
  parties: Array<{ id: string; name: string; short?: string; country?: string }>;
  countries: string[];
  topics: string[];
  publishedAt: string;
}

export interface SegmentFile {
  key: string;
  body: string;
}

/**
 * The analysis's version, in every segment's name: change it with anything that changes what the same
 * documents are indexed as (analyze.ts, stemmers.ts and their library, the impacts, the files' layout).
 */
export const ANALYSIS_VERSION = '1 @orama/stemmers 3.1.18';

/** Terms files are cut at about this many characters: one file per query word, fetched whole. */
const TERMS_FILE_TARGET = 24_000;
/** Candidates kept per term while streaming (the exact best hits are chosen from them at the end). */
const CANDIDATES = HEADS_PER_TERM + 2;
const EXCERPT_BEFORE = 30;
const EXCERPT_AFTER = 70;

interface Candidate {
  doc: number;
  impact: number;
  excerpt: string;
}

export function impactOf(weightedTf: number, length: number, avgLength: number): number {
  const w = (weightedTf * (K1 + 1)) / (weightedTf + K1 * (1 - B + (B * length) / Math.max(avgLength, 1)));
  return Math.max(1, Math.min(IMPACT_LEVELS, Math.round((w / (K1 + 1)) * IMPACT_LEVELS)));
}

/** About a sentence of the body around a word: whole words, with ellipses where it was cut. */
export function excerptAt(text: string, start: number, end: number): string {
  let from = Math.max(0, start - EXCERPT_BEFORE);
  let to = Math.min(text.length, end + EXCERPT_AFTER);
  if (from > 0) {
    const space = text.indexOf(' ', from);
    if (space !== -1 && space < start) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > end) to = space;
  }
  let cut = text.slice(from, to);
  if (/\s\s|[\n\t\r]/.test(cut)) cut = cut.replace(/\s+/g, ' ');
  return `${from > 0 ? '… ' : ''}${cut.trim()}${to < text.length ? ' …' : ''}`;
}

/** Interns facet values in order of first use: the same documents in the same order number them alike. */
class Values {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(value: string): number {
    let n = this.index.get(value);
    if (n === undefined) {
      n = this.list.length;
      this.index.set(value, n);
      this.list.push(value);
    }
    return n;
  }
}

/** The shortest beginning of `term` that sorts after `previous` (the first file begins at ""). */
function separator(previous: string, term: string, first: boolean): string {
  if (first) return '';
  for (let k = 1; k < term.length; k++) {
    const prefix = term.slice(0, k);
    if (prefix > previous) return prefix;
  }
  return term;
}

/** Counts of small numbers, taken (sorted) and cleared in time proportional to the values seen. */
class Counter {
  private readonly counts: Int32Array;
  private touched: number[] = [];
  constructor(size: number) {
    this.counts = new Int32Array(size);
  }
  add(v: number): void {
    if (this.counts[v] === 0) this.touched.push(v);
    this.counts[v] = (this.counts[v] as number) + 1;
  }
  take(): Map<number, number> {
    const out = new Map<number, number>();
    for (const v of this.touched.sort((a, b) => a - b)) {
      out.set(v, this.counts[v] as number);
      this.counts[v] = 0;
    }
    this.touched = [];
    return out;
  }
}
type Counters = [Counter, Counter, Counter, Counter, Counter];

export class SegmentBuilder {
  private readonly hash = createHash('sha256');
  private readonly lengths: number[] = [];
  private lengthSum = 0;
  private readonly records: StoredRecord[] = [];
  private readonly facets: DocFacets[] = [];
  private readonly ids: IdsEntry[] = [];
  /** Per term: document numbers and weighted term frequencies (alternating), and candidate best hits. */
  private readonly terms = new Map<string, { raw: number[]; cands: Candidate[] }>();
  private readonly values = {
    parties: new Values(),
    countries: new Values(),
    languages: new Values(),
    topics: new Values(),
    years: new Values(),
  };
  private readonly partyNames = new Map<string, string>();
  private readonly partyCountries = new Map<string, number>();
  /** Per language: a word as written -> its index terms. */
  private readonly termCache = new Map<string, Map<string, string[]>>();
  private readonly metaCache = new Map<string, string[]>();
  private readonly metaStem: ReturnType<StemmerFor>;

  constructor(
    private readonly stemmerFor: StemmerFor,
    /** The length norm: fixed for a delta (the base's), else this segment's own average. */
    private readonly fixedAvgLength?: number,
  ) {
    // Everything the files depend on besides the documents: the format, the analysis (its own version, the
    // stemmers', and the ICU data Intl.Segmenter cuts Thai, Lao, Khmer and Myanmar with) and the norm.
    this.hash.update(
      JSON.stringify({
        format: FORMAT,
        analysis: ANALYSIS_VERSION,
        icu: process.versions.icu ?? '-',
        unicode: process.versions.unicode ?? '-',
        constants: [
          FIELD_WEIGHTS,
          IMPACT_LEVELS,
          HEADS_PER_TERM,
          K1,
          B,
          TERMS_FILE_TARGET,
          DOCS_PER_BATCH,
          IDS_PER_FILE,
          CANDIDATES,
          EXCERPT_BEFORE,
          EXCERPT_AFTER,
        ],
        norm: fixedAvgLength ?? 'own',
      }),
    );
    this.metaStem = stemmerFor('en');
  }

  get size(): number {
    return this.records.length;
  }

  add(doc: IndexDoc): void {
    const n = this.records.length;
    // Everything of the document the files hold: a segment's name changes whenever its bytes would (a
    // party renamed, a statement corrected), so no file ever changes under a name a cache may keep.
    this.hash.update(
      JSON.stringify([
        doc.id,
        doc.version,
        doc.title,
        doc.summary,
        doc.language,
        doc.rtl,
        doc.parties,
        doc.countries,
        doc.topics,
        doc.publishedAt,
        doc.body,
      ]),
    );
    const stem = this.stemmerFor(doc.language);
    let cache = this.termCache.get(doc.language);
    if (!cache) {
      cache = new Map();
      this.termCache.set(doc.language, cache);
    }
    // Weighted term frequencies; where in the body a term first occurs, if only there.
    const tf = new Map<string, number>();
    const bodyAt = new Map<string, [number, number]>();
    const inHeading = new Set<string>();
    const heading = (weight: number) => (t: string) => {
      tf.set(t, (tf.get(t) ?? 0) + weight);
      inHeading.add(t);
    };
    const meta = [...doc.parties.flatMap((x) => [x.name, x.short ?? '']), ...doc.topics.map((t) => t.replace(/-/g, ' '))].join('\n');
    let length = scanTerms(doc.title, doc.language, stem, cache, heading(FIELD_WEIGHTS.title));
    length += scanTerms(doc.summary, doc.language, stem, cache, heading(FIELD_WEIGHTS.summary));
    // Party names and topics are English (the site's language): stemmed as English.
    scanTerms(meta, 'en', this.metaStem, this.metaCache, (t) => tf.set(t, (tf.get(t) ?? 0) + FIELD_WEIGHTS.meta));
    length += scanTerms(doc.body, doc.language, stem, cache, (t, start, end) => {
      tf.set(t, (tf.get(t) ?? 0) + FIELD_WEIGHTS.body);
      if (!bodyAt.has(t)) bodyAt.set(t, [start, end]);
    });
    this.lengths.push(length);
    this.lengthSum += length;
    const runningAvg = this.fixedAvgLength ?? this.lengthSum / this.lengths.length;

    for (const [term, weighted] of tf) {
      let data = this.terms.get(term);
      if (data) data.raw.push(n, weighted);
      else {
        data = { raw: [n, weighted], cands: [] };
        this.terms.set(term, data);
      }
      // A candidate best hit, with its excerpt made now: the text is not kept.
      const impact = impactOf(weighted, length, runningAvg);
      const cands = data.cands;
      const last = cands[cands.length - 1];
      if (cands.length >= CANDIDATES && last && last.impact >= impact) continue;
      const at = inHeading.has(term) ? undefined : bodyAt.get(term);
      // Kept sorted by impact, then newest: the new document goes after every candidate at least as good.
      let i = cands.length;
      while (i > 0 && (cands[i - 1] as Candidate).impact < impact) i--;
      cands.splice(i, 0, { doc: n, impact, excerpt: at ? excerptAt(doc.body, at[0], at[1]) : '' });
      if (cands.length > CANDIDATES) cands.pop();
    }

    const v = this.values;
    for (const x of doc.parties) {
      this.partyNames.set(x.id, x.name);
      if (x.country && !this.partyCountries.has(x.id)) this.partyCountries.set(x.id, v.countries.of(x.country));
    }
    const facets: DocFacets = {
      language: v.languages.of(doc.language),
      year: v.years.of(doc.publishedAt.slice(0, 4)),
      // Each value once: counts are of documents.
      parties: [...new Set(doc.parties.map((x) => v.parties.of(x.id)))],
      countries: [...new Set(doc.countries.map((c) => v.countries.of(c)))],
      topics: [...new Set(doc.topics.map((t) => v.topics.of(t)))],
    };
    this.facets.push(facets);
    this.ids.push([doc.id, n, doc.version, encodeDocFacets(facets)]);
    this.records.push({
      id: doc.id,
      title: doc.title,
      summary: doc.summary.length > 240 ? `${doc.summary.slice(0, 239)}…` : doc.summary,
      language: doc.language,
      ...(doc.rtl ? { rtl: 1 as const } : {}),
      parties: facets.parties,
      date: doc.publishedAt.slice(0, 10),
    });
  }

  /** Statement id -> [document number, version, facet values], for switching to this segment as the base. */
  entries(): Map<string, [number, number, string]> {
    return new Map(this.ids.map(([id, doc, version, facets]) => [id, [doc, version, facets]]));
  }

  /** The segment's id: a hash of the documents (in order), the analysis and the length norm. */
  id(): string {
    return this.hash.copy().digest('base64url').slice(0, 16);
  }

  facetValues(): FacetValues {
    const v = this.values;
    return {
      parties: v.parties.list.map((id) => [id, this.partyNames.get(id) ?? id, this.partyCountries.get(id) ?? -1]),
      countries: v.countries.list,
      languages: v.languages.list,
      topics: v.topics.list,
      years: v.years.list,
    };
  }

  facetColumns(): FacetColumns {
    return encodeFacetDocs(this.facets, this.facetValues());
  }

  /** Every document's facet values as flat arrays: per facet, the values of document d are at starts[d]..starts[d+1]. */
  private flatFacets(): Array<{ starts: Int32Array; values: Int32Array }> {
    const lists: Array<(f: DocFacets) => number[]> = [
      (f) => [f.language],
      (f) => [f.year],
      (f) => f.parties,
      (f) => f.countries,
      (f) => f.topics,
    ];
    return lists.map((of) => {
      const starts = new Int32Array(this.facets.length + 1);
      let total = 0;
      this.facets.forEach((f, d) => {
        starts[d] = total;
        total += of(f).length;
      });
      starts[this.facets.length] = total;
      const values = new Int32Array(total);
      let at = 0;
      for (const f of this.facets) for (const v of of(f)) values[at++] = v;
      return { starts, values };
    });
  }

  /** How many documents of a posting list have each facet value, per facet (COUNTED order). */
  private countsOf(raw: number[], counters: Counters, flat: Array<{ starts: Int32Array; values: Int32Array }>): string {
    counters.forEach((counter, k) => {
      const { starts, values } = flat[k] as { starts: Int32Array; values: Int32Array };
      for (let i = 0; i < raw.length; i += 2) {
        const d = raw[i] as number;
        for (let j = starts[d] as number; j < (starts[d + 1] as number); j++) counter.add(values[j] as number);
      }
    });
    return encodeCounts(counters.map((c) => c.take()));
  }

  /**
   * The segment's files, produced one at a time (terms files in term order, then facets, document
   * batches and the id index), and its description for the manifest once they are all produced.
   */
  finish(): { info: SegmentInfo; header: SegmentHeader; files: Generator<SegmentFile> } {
    const id = this.id();
    const avg = this.fixedAvgLength ?? (this.lengths.length ? this.lengthSum / this.lengths.length : 1);
    const info: SegmentInfo = { id, docs: this.records.length, length: this.lengthSum, batches: 0 };
    const header: SegmentHeader = { bounds: [], values: this.facetValues(), counts: '' };
    const self = this;
    function* files(): Generator<SegmentFile> {
      const terms = [...self.terms.keys()].sort();
      const v = self.values;
      const counters: Counters = [
        new Counter(v.languages.list.length),
        new Counter(v.years.list.length),
        new Counter(v.parties.list.length),
        new Counter(v.countries.list.length),
        new Counter(v.topics.list.length),
      ];
      const flat = self.flatFacets();
      let entries: TermEntry[] = [];
      // The records of this file's best hits; the summary only where a hit shows it (no excerpt).
      let docs = new Map<number, StoredRecord>();
      let size = 0;
      let lastTerm = '';
      const flush = function* (): Generator<SegmentFile> {
        const file: TermsFile = { terms: entries, docs: [...docs].sort(([a], [b]) => a - b) };
        yield { key: termsKey(id, header.bounds.length - 1), body: JSON.stringify(file) };
        entries = [];
        docs = new Map();
        size = 0;
      };
      for (const term of terms) {
        const { raw, cands } = self.terms.get(term) as { raw: number[]; cands: Candidate[] };
        const postings: Array<[number, number]> = [];
        for (let i = 0; i < raw.length; i += 2) {
          const doc = raw[i] as number;
          postings.push([doc, impactOf(raw[i + 1] as number, self.lengths[doc] as number, avg)]);
        }
        const best = [...postings].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, HEADS_PER_TERM);
        const excerpts = new Map(cands.map((c) => [c.doc, c.excerpt]));
        const heads: Array<[number, string]> = best.map(([doc]) => [doc, excerpts.get(doc) ?? '']);
        const entry: TermEntry = [term, encodePostings(postings), heads, self.countsOf(raw, counters, flat)];
        // A file begins at the shortest beginning of its first term that sorts after the file before.
        if (entries.length === 0) header.bounds.push(separator(lastTerm, term, header.bounds.length === 0));
        entries.push(entry);
        lastTerm = term;
        size += term.length + entry[1].length + entry[3].length + 8;
        for (const [doc, excerpt] of heads) {
          size += excerpt.length + 8;
          const record = self.records[doc] as StoredRecord;
          const known = docs.get(doc);
          if (!known) {
            const { summary: _, ...withoutSummary } = record;
            docs.set(doc, excerpt ? withoutSummary : record);
            size += record.title.length + (excerpt ? 0 : (record.summary?.length ?? 0)) + 60;
          } else if (!excerpt && known.summary === undefined) {
            docs.set(doc, record);
            size += record.summary?.length ?? 0;
          }
        }
        if (size >= TERMS_FILE_TARGET) yield* flush();
      }
      if (entries.length) yield* flush();
      const everyDoc: number[] = [];
      for (let d = 0; d < self.facets.length; d++) everyDoc.push(d, 0);
      header.counts = self.countsOf(everyDoc, counters, flat);
      yield { key: headerKey(id), body: JSON.stringify(header) };
      yield { key: facetsKey(id), body: JSON.stringify(self.facetColumns()) };
      for (let from = 0; from < self.records.length; from += DOCS_PER_BATCH) {
        yield { key: docsKey(id, info.batches++), body: JSON.stringify({ docs: self.records.slice(from, from + DOCS_PER_BATCH) }) };
      }
      // For the indexer: [statement id, document number, version, facet values] sorted by id, in files of
      // IDS_PER_FILE, and the first id of each file.
      const sorted = self.ids.slice().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const firsts: string[] = [];
      for (let from = 0; from < sorted.length; from += IDS_PER_FILE) {
        yield { key: idsKey(id, firsts.length), body: JSON.stringify(sorted.slice(from, from + IDS_PER_FILE)) };
        firsts.push((sorted[from] as IdsEntry)[0]);
      }
      yield { key: idsKey(id), body: JSON.stringify(firsts) };
    }
    return { info, header, files: files() };
  }
}
