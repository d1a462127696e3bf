// The search index's format (version 2), shared by the indexer and the search page.
//
// search/v2/manifest.json        the one file that changes: the segments a reader must merge, small
// search/v2/{segment}/t{n}.json   a range of terms (sorted), each with its postings and its best hits
// search/v2/{segment}/f.json      every document's facet values (party, country, language, topic, year)
// search/v2/{segment}/d{n}.json   document records in batches of DOCS_PER_BATCH, for hits without a head
// search/v2/{segment}/i{n}.json   for the indexer only: statement ids, sorted, with their document numbers
//
// A segment's name is a hash of what went into it (statement ids and versions, the format, the length
// norm), so its files never change once written and can be cached forever. The index is a compacted
// base segment plus at most one delta segment holding the statements published since; the delta's
// documents replace (or retract) the base's documents listed in the manifest's `superseded`.

export const FORMAT = 2;
export const ROOT = `search/v${FORMAT}`;
export const MANIFEST_KEY = `${ROOT}/manifest.json`;
export const DOCS_PER_BATCH = 64;
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
  /** Sum of document lengths (weighted words): with docs, the average length. */
  length: number;
  /** The first term of each terms file, sorted: terms file n holds [bounds[n], bounds[n+1]). */
  bounds: string[];
  /** Document batches (files d0..d{n-1}). */
  batches: number;
}

export interface Manifest {
  format: typeof FORMAT;
  /** Increases with every write: a reader can tell a newer manifest from an older one. */
  generation: number;
  /** The length norm every segment's impacts were computed with (the base's average length). */
  avgLength: number;
  base?: SegmentInfo;
  delta?: SegmentInfo;
  /** Base document numbers that the delta replaces (a later version) or that are gone (retracted). */
  superseded: number[];
  /** Statement ids in the delta, in document order (the indexer rebuilds the delta from them). */
  deltaIds: string[];
  /** The delta's facet values (it is small), so a query does not fetch its facets file. */
  deltaFacets?: FacetsFile;
  /** Segments no longer in use, with when they were retired: removed once no reader can still need them. */
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
 * One term in a terms file: the term, its postings (document numbers and impacts, see encodePostings)
 * and its best hits as [document number, excerpt] (the excerpt is empty when the word is in the title or
 * summary). Arrays, not objects keyed by term: any word is a term, "__proto__" included.
 */
export type TermEntry = [term: string, postings: string, heads: Array<[number, string]>];

export interface TermsFile {
  terms: TermEntry[];
  /** The records of the documents in this file's best hits. */
  docs: Array<[number, DocRecord]>;
}

/** Facet values, and per document the values it has, encoded (see encodeFacetDocs). */
export interface FacetsFile {
  parties: Array<[string, string]>;
  countries: string[];
  languages: string[];
  topics: string[];
  years: string[];
  docs: string;
}

export interface DocsFile {
  docs: DocRecord[];
}

/** Segment files never change once written: caches may keep them for good. Only the manifest is revalidated. */
export function isImmutableIndexFile(key: string): boolean {
  return key.startsWith(`${ROOT}/`) && key !== MANIFEST_KEY;
}
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export function termsKey(segment: string, n: number): string {
  return `${ROOT}/${segment}/t${n}.json`;
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

export function encodeFacetDocs(docs: DocFacets[]): string {
  const out: string[] = [];
  for (const d of docs) {
    encodeNumber(d.language, out);
    encodeNumber(d.year, out);
    for (const list of [d.parties, d.countries, d.topics]) {
      encodeNumber(list.length, out);
      for (const v of list) encodeNumber(v, out);
    }
  }
  return out.join('');
}

export function decodeFacetDocs(text: string): DocFacets[] {
  const r = new NumberReader(text);
  const out: DocFacets[] = [];
  const list = () => Array.from({ length: r.next() }, () => r.next());
  while (!r.done()) {
    const language = r.next();
    const year = r.next();
    out.push({ language, year, parties: list(), countries: list(), topics: list() });
  }
  return out;
}
