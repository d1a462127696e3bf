// The search index's format (version 2), shared by the indexer and the search page.
//
// search/v2/manifest.json        the one file that changes: the segments a reader must merge, small
// search/v2/{segment}/h.json      the segment's header: where each terms file begins, the facet values
// search/v2/{segment}/t{n}.json   a range of terms (sorted), each with its postings, its best hits and
//                                 its facet counts (a one-word query needs nothing else)
// search/v2/{segment}/f.json      every document's facet values, by column (filters, several words)
// search/v2/{segment}/d{n}.json   document records in batches of DOCS_PER_BATCH, for hits without a head
// search/v2/{segment}/i{n}.json   for the indexer only: statement ids, sorted, with their document numbers
//
// A segment's name is a hash of everything its bytes depend on (its documents, the analysis, the format,
// the length norm), so its files never change once written and can be cached forever. The index is a compacted
// base segment plus at most one delta segment holding the statements published since; the delta's
// documents replace (or retract) the base's documents listed in the manifest's `superseded`.

export const FORMAT = 2;
export const ROOT = `search/v${FORMAT}`;
export const MANIFEST_KEY = `${ROOT}/manifest.json`;
export const DOCS_PER_BATCH = 16;
/** Best hits kept with each term: the first page of results for a one-word query. */
export const HEADS_PER_TERM = 10;
/** BM25 parameters. */
export const K1 = 1.2;
export const B = 0.75;
/** Impacts are stored as 1..IMPACT_LEVELS: the BM25 term weight without idf, quantised. */
export const IMPACT_LEVELS = 63;
/** Weight of a word by field: a title match outranks a summary match, which outranks the body. */
export const FIELD_WEIGHTS = { title: 4, summary: 2, meta: 2, body: 1 } as const;

export interface SegmentInfo {
  /** The segment's folder under ROOT. */
  id: string;
  docs: number;
  /** Sum of document lengths (words): with docs, the average length. */
  length: number;
  /** Document batches (files d0..d{n-1}). */
  batches: number;
}

/** The facet values a segment's documents have; documents and counts refer to them by position. */
export interface FacetValues {
  /** Party id, name, and the position of its country in `countries` (a document's default country). */
  parties: Array<[string, string, number]>;
  countries: string[];
  languages: string[];
  topics: string[];
  years: string[];
}

export interface SegmentHeader {
  /** Where each terms file begins: terms file n holds the terms from bounds[n] up to bounds[n+1]. */
  bounds: string[];
  values: FacetValues;
  /** How many of the segment's documents have each facet value (encodeCounts): the page with no query. */
  counts: string;
}

/** The delta is small: its header and its documents' facet values travel in the manifest. */
export interface DeltaInfo extends SegmentInfo {
  header: SegmentHeader;
  facets: FacetColumns;
}

export interface Manifest {
  format: typeof FORMAT;
  /** Increases with every write: a reader can tell a newer manifest from an older one. */
  generation: number;
  /** The length norm every segment's impacts were computed with (the base's average length). */
  avgLength: number;
  base?: SegmentInfo;
  delta?: DeltaInfo;
  /** Base document numbers that the delta replaces (a later version) or that are gone (retracted). */
  superseded: number[];
  /** Their facet values in the base (encodeDocFacets), to take them out of the base's facet counts. */
  supersededFacets: string[];
  /**
   * Segments no longer in use, with when they were retired: removed a few minutes later (a query that read
   * the older manifest has long finished by then), at most RETIRED_KEPT of them.
   */
  retired: Array<{ id: string; at: string }>;
}

/** A document as a results list shows it. */
export interface DocRecord {
  id: string;
  title: string;
  summary: string;
  language: string;
  rtl?: 1;
  parties: string[];
  date: string;
}

/**
 * A document record as stored: its parties by position in the segment's facet values; in a terms file,
 * without its summary when every best hit there shows an excerpt instead.
 */
export interface StoredRecord extends Omit<DocRecord, 'parties' | 'summary'> {
  parties: number[];
  summary?: string;
}

/**
 * One term in a terms file: the term, its postings (document numbers and impacts, see encodePostings),
 * its best hits as [document number, excerpt] (the excerpt is empty when the word is in the title or
 * summary), and how many of its documents have each facet value (encodeCounts). Arrays, not objects
 * keyed by term: any word is a term, "__proto__" included.
 */
export type TermEntry = [term: string, postings: string, heads: Array<[number, string]>, counts: string];

export interface TermsFile {
  terms: TermEntry[];
  /** The records of the documents in this file's best hits. */
  docs: Array<[number, StoredRecord]>;
}

/** One column per facet, a document after another: numbers in the code of encodeNumber. */
export interface FacetColumns {
  /** Language numbers as runs: value, length. */
  language: string;
  /** Year numbers as runs: value, length (documents come in publication order, so runs are long). */
  year: string;
  /** Per document: how many, then the values. */
  parties: string;
  /** Per document: 0 for its author's country alone, else one more than how many, then the values. */
  countries: string;
  topics: string;
}

export interface DocsFile {
  docs: StoredRecord[];
}

/** Segment files never change once written: caches may keep them for good. Only the manifest is revalidated. */
export function isImmutableIndexFile(key: string): boolean {
  return key.startsWith(`${ROOT}/`) && key !== MANIFEST_KEY;
}
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export function termsKey(segment: string, n: number): string {
  return `${ROOT}/${segment}/t${n}.json`;
}
export function headerKey(segment: string): string {
  return `${ROOT}/${segment}/h.json`;
}
export function facetsKey(segment: string): string {
  return `${ROOT}/${segment}/f.json`;
}
export function docsKey(segment: string, n: number): string {
  return `${ROOT}/${segment}/d${n}.json`;
}
/** The id index (the first id of each ids file), or ids file n: [statement id, document number, version]. */
export function idsKey(segment: string, n?: number): string {
  return `${ROOT}/${segment}/i${n ?? ''}.json`;
}
export const IDS_PER_FILE = 1024;
/** An ids file's entry: statement id, document number, version, facet values (encodeDocFacets). */
export type IdsEntry = [id: string, doc: number, version: number, facets: string];

/** Which terms file of a segment holds a term: the last bound not after it. */
export function fileOf(bounds: string[], term: string): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((bounds[mid] as string) <= term) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Numbers as text: a variable-length code over 64 characters safe in JSON and URLs. Each character holds
// five bits and a continuation bit, low bits first. Postings are gaps between document numbers, so most
// take one character, and gzip squeezes the rest.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export function encodeNumber(n: number, out: string[]): void {
  let v = n;
  while (v >= 32) {
    out.push(ALPHABET[(v & 31) | 32] as string);
    v = Math.floor(v / 32);
  }
  out.push(ALPHABET[v] as string);
}

/** Reads numbers back; `at` is advanced past each. */
export class NumberReader {
  at = 0;
  constructor(private readonly text: string) {}
  done(): boolean {
    return this.at >= this.text.length;
  }
  next(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const v = VALUE.get(this.text[this.at++] as string);
      if (v === undefined) throw new Error('search index: damaged number');
      n += (v & 31) * scale;
      if (v < 32) return n;
      scale *= 32;
    }
  }
}

export function encodePostings(postings: Array<[number, number]>): string {
  const out: string[] = [];
  let last = -1;
  for (const [doc, impact] of postings) {
    encodeNumber(doc - last - 1, out);
    encodeNumber(impact, out);
    last = doc;
  }
  return out.join('');
}

export function decodePostings(text: string): Array<[number, number]> {
  const r = new NumberReader(text);
  const out: Array<[number, number]> = [];
  let last = -1;
  while (!r.done()) {
    last += r.next() + 1;
    out.push([last, r.next()]);
  }
  return out;
}

/** A document's facet value numbers: language, year, then the party, country and topic lists. */
export interface DocFacets {
  language: number;
  year: number;
  parties: number[];
  countries: number[];
  topics: number[];
}

function encodeRuns(values: number[], out: string[]): void {
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    encodeNumber(values[i] as number, out);
    encodeNumber(j - i, out);
    i = j;
  }
}

function encodeList(list: number[], out: string[]): void {
  encodeNumber(list.length, out);
  for (const v of list) encodeNumber(v, out);
}

function readList(r: NumberReader, length = r.next()): number[] {
  return Array.from({ length }, () => r.next());
}

/** The countries of a document as stored: 0 when it is its author's country alone. */
function encodeCountries(d: DocFacets, values: FacetValues, out: string[]): void {
  const own = values.parties[d.parties[0] ?? -1]?.[2];
  if (d.countries.length === 1 && d.countries[0] === own) encodeNumber(0, out);
  else {
    encodeNumber(d.countries.length + 1, out);
    for (const v of d.countries) encodeNumber(v, out);
  }
}

function readCountries(r: NumberReader, parties: number[], values: FacetValues): number[] {
  const n = r.next();
  if (n === 0) return [values.parties[parties[0] ?? -1]?.[2] ?? 0];
  return readList(r, n - 1);
}

export function encodeFacetDocs(docs: DocFacets[], values: FacetValues): FacetColumns {
  const column = (write: (out: string[]) => void) => {
    const out: string[] = [];
    write(out);
    return out.join('');
  };
  return {
    language: column((out) => {
      for (const d of docs) encodeNumber(d.language, out);
    }),
    year: column((out) =>
      encodeRuns(
        docs.map((d) => d.year),
        out,
      ),
    ),
    parties: column((out) => {
      for (const d of docs) encodeList(d.parties, out);
    }),
    countries: column((out) => {
      for (const d of docs) encodeCountries(d, values, out);
    }),
    topics: column((out) => {
      for (const d of docs) encodeList(d.topics, out);
    }),
  };
}

export function decodeFacetDocs(columns: FacetColumns, values: FacetValues): DocFacets[] {
  const language: number[] = [];
  for (const r = new NumberReader(columns.language); !r.done(); ) language.push(r.next());
  const year: number[] = [];
  for (const r = new NumberReader(columns.year); !r.done(); ) {
    const value = r.next();
    for (let n = r.next(); n > 0; n--) year.push(value);
  }
  const parties = new NumberReader(columns.parties);
  const countries = new NumberReader(columns.countries);
  const topics = new NumberReader(columns.topics);
  return language.map((l, i) => {
    const p = readList(parties);
    return { language: l, year: year[i] ?? 0, parties: p, countries: readCountries(countries, p, values), topics: readList(topics) };
  });
}

/** One document's facet values as one string (the base's superseded documents, in the manifest). */
export function encodeDocFacets(d: DocFacets): string {
  const out: string[] = [];
  encodeNumber(d.language, out);
  encodeNumber(d.year, out);
  for (const list of [d.parties, d.countries, d.topics]) encodeList(list, out);
  return out.join('');
}

export function decodeDocFacets(text: string): DocFacets {
  const r = new NumberReader(text);
  return { language: r.next(), year: r.next(), parties: readList(r), countries: readList(r), topics: readList(r) };
}

/** The facets of a term's counts, in their order. */
export const COUNTED = ['language', 'year', 'parties', 'countries', 'topics'] as const;

/** Per facet (COUNTED order): how many values, then value and count pairs. */
export function encodeCounts(counts: Array<Map<number, number>>): string {
  const out: string[] = [];
  for (const c of counts) {
    encodeNumber(c.size, out);
    for (const [value, n] of [...c].sort((a, b) => a[0] - b[0])) {
      encodeNumber(value, out);
      encodeNumber(n, out);
    }
  }
  return out.join('');
}

export function decodeCounts(text: string): Array<Array<[number, number]>> {
  const r = new NumberReader(text);
  return COUNTED.map(() => Array.from({ length: r.next() }, () => [r.next(), r.next()] as [number, number]));
}
