// Builds one immutable segment of the search index from documents streamed in order. Memory holds the
// postings (numbers, not text), each document's record and facet values, and for each term a few
// candidate best hits with their excerpts: never the documents' text. The output depends only on the
// documents and their order, so a rebuild and a compaction of the same statements write the same bytes.
import { createHash } from 'node:crypto';
import { indexTermsOf, type StemmerFor, type Word, words } from './analyze.js';
import {
  B,
  DOCS_PER_BATCH,
  type DocFacets,
  type DocRecord,
  docsKey,
  encodeFacetDocs,
  encodePostings,
  type FacetsFile,
  FIELD_WEIGHTS,
  FORMAT,
  facetsKey,
  HEADS_PER_TERM,
  IDS_PER_FILE,
  IMPACT_LEVELS,
  idsKey,
  K1,
  type SegmentInfo,
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
  /** The signatories (author first), with their names. */
  parties: Array<{ id: string; name: string; short?: string }>;
  countries: string[];
  topics: string[];
  publishedAt: string;
}

export interface SegmentFile {
  key: string;
  body: string;
}

/** Terms files are cut at about this many characters: one file per query word, fetched whole. */
const TERMS_FILE_TARGET = 24_000;
/** Candidates kept per term while streaming (the exact best hits are chosen from them at the end). */
const CANDIDATES = HEADS_PER_TERM + 4;
const EXCERPT_BEFORE = 60;
const EXCERPT_AFTER = 110;

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
  return `${from > 0 ? '… ' : ''}${text.slice(from, to).replace(/\s+/g, ' ').trim()}${to < text.length ? ' …' : ''}`;
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

export class SegmentBuilder {
  private readonly hash = createHash('sha256');
  private readonly lengths: number[] = [];
  private lengthSum = 0;
  private readonly records: DocRecord[] = [];
  private readonly facets: DocFacets[] = [];
  private readonly ids: Array<[string, number, number]> = [];
  /** Per term: document numbers and weighted term frequencies, alternating. */
  private readonly postings = new Map<string, number[]>();
  private readonly candidates = new Map<string, Candidate[]>();
  private readonly values = {
    parties: new Values(),
    countries: new Values(),
    languages: new Values(),
    topics: new Values(),
    years: new Values(),
  };
  private readonly partyNames = new Map<string, string>();

  constructor(
    private readonly stemmerFor: StemmerFor,
    /** The length norm: fixed for a delta (the base's), else this segment's own average. */
    private readonly fixedAvgLength?: number,
  ) {
    this.hash.update(`format ${FORMAT}\nnorm ${fixedAvgLength ?? 'own'}\n`);
  }

  get size(): number {
    return this.records.length;
  }

  add(doc: IndexDoc): void {
    const n = this.records.length;
    this.hash.update(`${doc.id}@${doc.version}\n`);
    this.ids.push([doc.id, n, doc.version]);
    const stem = this.stemmerFor(doc.language);
    // Weighted term frequencies; where in the body a term first occurs, if only there.
    const tf = new Map<string, number>();
    const bodyAt = new Map<string, Word>();
    const inHeading = new Set<string>();
    const count = (ws: Word[], weight: number, field: 'heading' | 'body' | 'meta') => {
      for (const w of ws) {
        for (const t of indexTermsOf(w, stem)) {
          tf.set(t, (tf.get(t) ?? 0) + weight);
          if (field === 'heading') inHeading.add(t);
          else if (field === 'body' && !bodyAt.has(t)) bodyAt.set(t, w);
        }
      }
    };
    const title = words(doc.title, doc.language);
    const summary = words(doc.summary, doc.language);
    const body = words(doc.body, doc.language);
    const meta = words([...doc.parties.flatMap((x) => [x.name, x.short ?? '']), ...doc.topics.map((t) => t.replace(/-/g, ' '))].join('\n'));
    count(title, FIELD_WEIGHTS.title, 'heading');
    count(summary, FIELD_WEIGHTS.summary, 'heading');
    count(meta, FIELD_WEIGHTS.meta, 'meta');
    count(body, FIELD_WEIGHTS.body, 'body');
    const length = title.length + summary.length + body.length;
    this.lengths.push(length);
    this.lengthSum += length;
    const runningAvg = this.fixedAvgLength ?? this.lengthSum / this.lengths.length;

    for (const [term, weighted] of tf) {
      const list = this.postings.get(term);
      if (list) list.push(n, weighted);
      else this.postings.set(term, [n, weighted]);
      // A candidate best hit, with its excerpt made now: the text is not kept.
      const impact = impactOf(weighted, length, runningAvg);
      let cands = this.candidates.get(term);
      if (!cands) {
        cands = [];
        this.candidates.set(term, cands);
      }
      const last = cands[cands.length - 1];
      if (cands.length >= CANDIDATES && last && last.impact >= impact) continue;
      const at = inHeading.has(term) ? undefined : bodyAt.get(term);
      // Kept sorted by impact, then newest: the new document goes after every candidate at least as good.
      let i = cands.length;
      while (i > 0 && (cands[i - 1] as Candidate).impact < impact) i--;
      cands.splice(i, 0, { doc: n, impact, excerpt: at ? excerptAt(doc.body, at.start, at.end) : '' });
      if (cands.length > CANDIDATES) cands.pop();
    }

    const v = this.values;
    for (const x of doc.parties) this.partyNames.set(x.id, x.name);
    this.facets.push({
      language: v.languages.of(doc.language),
      year: v.years.of(doc.publishedAt.slice(0, 4)),
      parties: doc.parties.map((x) => v.parties.of(x.id)),
      countries: doc.countries.map((c) => v.countries.of(c)),
      topics: doc.topics.map((t) => v.topics.of(t)),
    });
    this.records.push({
      id: doc.id,
      title: doc.title,
      summary: doc.summary.length > 240 ? `${doc.summary.slice(0, 239)}…` : doc.summary,
      language: doc.language,
      ...(doc.rtl ? { rtl: 1 as const } : {}),
      parties: doc.parties.map((x) => x.name),
      date: doc.publishedAt.slice(0, 10),
    });
  }

  /** The segment's id: a hash of the documents (ids and versions, in order) and the length norm. */
  id(): string {
    return this.hash.copy().digest('base64url').slice(0, 16);
  }

  facetsFile(): FacetsFile {
    const v = this.values;
    return {
      parties: v.parties.list.map((id) => [id, this.partyNames.get(id) ?? id]),
      countries: v.countries.list,
      languages: v.languages.list,
      topics: v.topics.list,
      years: v.years.list,
      docs: encodeFacetDocs(this.facets),
    };
  }

  /**
   * The segment's files, produced one at a time (terms files in term order, then facets, document
   * batches and the id index), and its description for the manifest once they are all produced.
   */
  finish(): { info: SegmentInfo; files: Generator<SegmentFile> } {
    const id = this.id();
    const avg = this.fixedAvgLength ?? (this.lengths.length ? this.lengthSum / this.lengths.length : 1);
    const info: SegmentInfo = { id, docs: this.records.length, length: this.lengthSum, bounds: [], batches: 0 };
    const self = this;
    function* files(): Generator<SegmentFile> {
      const terms = [...self.postings.keys()].sort();
      let entries: TermEntry[] = [];
      let docs = new Map<number, DocRecord>();
      let size = 0;
      const flush = function* (): Generator<SegmentFile> {
        const file: TermsFile = { terms: entries, docs: [...docs].sort(([a], [b]) => a - b) };
        yield { key: termsKey(id, info.bounds.length - 1), body: JSON.stringify(file) };
        entries = [];
        docs = new Map();
        size = 0;
      };
      for (const term of terms) {
        const raw = self.postings.get(term) as number[];
        const postings: Array<[number, number]> = [];
        for (let i = 0; i < raw.length; i += 2) {
          const doc = raw[i] as number;
          postings.push([doc, impactOf(raw[i + 1] as number, self.lengths[doc] as number, avg)]);
        }
        const best = [...postings].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, HEADS_PER_TERM);
        const excerpts = new Map((self.candidates.get(term) ?? []).map((c) => [c.doc, c.excerpt]));
        const heads: Array<[number, string]> = best.map(([doc]) => [doc, excerpts.get(doc) ?? '']);
        const entry: TermEntry = [term, encodePostings(postings), heads];
        if (entries.length === 0) info.bounds.push(term);
        entries.push(entry);
        size += term.length + entry[1].length + 8;
        for (const [doc, excerpt] of heads) {
          size += excerpt.length + 8;
          if (!docs.has(doc)) {
            const record = self.records[doc] as DocRecord;
            docs.set(doc, record);
            size += record.title.length + record.summary.length + 60;
          }
        }
        if (size >= TERMS_FILE_TARGET) yield* flush();
      }
      if (entries.length) yield* flush();
      yield { key: facetsKey(id), body: JSON.stringify(self.facetsFile()) };
      for (let from = 0; from < self.records.length; from += DOCS_PER_BATCH) {
        yield { key: docsKey(id, info.batches++), body: JSON.stringify({ docs: self.records.slice(from, from + DOCS_PER_BATCH) }) };
      }
      // For the indexer: [statement id, document number, version] sorted by id, in files of IDS_PER_FILE, and
      // the first id of each file.
      const sorted = self.ids.slice().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const firsts: string[] = [];
      for (let from = 0; from < sorted.length; from += IDS_PER_FILE) {
        yield { key: idsKey(id, firsts.length), body: JSON.stringify(sorted.slice(from, from + IDS_PER_FILE)) };
        firsts.push((sorted[from] as [string, number, number])[0]);
      }
      yield { key: idsKey(id), body: JSON.stringify(firsts) };
    }
    return { info, files: files() };
  }
}
