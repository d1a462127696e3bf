// Marking a result's words for a query: which parts of a title, summary or excerpt the reader's words
// matched (the page renders them as <mark>, as text).
import { MIN_STEM, type StemmerFor, termOf, words } from './analyze.js';

/**
 * The parts of a text to mark for a query: the words whose term (in the document's language, when the page
 * has its stemmer), folded form or CJK bigram the query matched, or that begin with a matched stem.
 */
export function highlight(text: string, language: string, terms: string[], stemmerFor: StemmerFor): Array<{ text: string; mark: boolean }> {
  const matched = new Set(terms.map((t) => (t.endsWith('!') ? t.slice(0, -1) : t)));
  const stems = [...matched].filter((t) => t.length >= MIN_STEM);
  const stem = stemmerFor(language);
  const ranges: Array<[number, number]> = [];
  for (const w of words(text, language)) {
    const hit = matched.has(w.folded) || matched.has(termOf(w, stem)) || stems.some((t) => w.folded.startsWith(t));
    if (!hit) continue;
    const last = ranges[ranges.length - 1];
    if (last && w.start <= last[1]) last[1] = Math.max(last[1], w.end);
    else ranges.push([w.start, w.end]);
  }
  const out: Array<{ text: string; mark: boolean }> = [];
  let at = 0;
  for (const [from, to] of ranges) {
    if (from > at) out.push({ text: text.slice(at, from), mark: false });
    out.push({ text: text.slice(from, to), mark: true });
    at = to;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}
