// Text analysis for search, shared by the indexer (Node) and the search page (browser): the words of a
// text with their offsets, folded for matching, and the index terms a word gives in a language.
//
// - Words: runs of letters, marks, digits and connectors ("__proto__" is a word). Scripts written without
//   spaces between words are cut differently: Han, Kana and Hangul runs become overlapping character
//   bigrams (no dictionary has to agree between Node and every browser), and Thai, Lao, Khmer and Myanmar
//   runs go through Intl.Segmenter. A Unicode regex instead of Intl.Segmenter for the rest gives the same
//   words for space-separated scripts at a tenth of the cost (a full index build tokenises the archive).
// - Folding: lower case; diacritics removed in Latin and Greek ("Grève" = "greve", "Απεργία" = "απεργια")
//   but not in Vietnamese, where they tell words apart, nor in Cyrillic beyond ё = е (й is not и);
//   Arabic-script text loses its vowel marks and tatweel, and Arabic and Persian letter forms are unified.
// - Terms: a word is stemmed in its statement's language (Snowball stemmers from @orama/stemmers), then
//   folded. A short all-capital word (NATO, KKE, ΚΚΕ) also gives an acronym term, "nato!", so that a reader
//   typing "NATO" gets the alliance and not the Italian "nato" (born).

export type Stemmer = (word: string) => string;
export type StemmerFor = (language: string) => Stemmer | undefined;

/** One word of a text: its folded form, where it is, and whether it is written as an acronym. */
export interface Word {
  /** Lower-cased, unfolded (Vietnamese keeps its marks through this). */
  lower: string;
  folded: string;
  start: number;
  end: number;
  acronym: boolean;
}

const WORD = /[\p{L}\p{M}\p{N}\p{Pc}]+/gu;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const SEGMENTED = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LATIN_OR_GREEK_MARKS = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;
const ARABIC_SCRIPT = /\p{Script=Arabic}/u;
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
const ACRONYM = /^\p{Lu}{2,6}$/u;

let segmenter: Intl.Segmenter | undefined;

function foldArabic(word: string): string {
  return word
    .normalize('NFKD')
    .replace(ARABIC_MARKS, '')
    .normalize('NFC')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ی');
}

const folded = new Map<string, string>();
const foldedVi = new Map<string, string>();
const ASCII = /^[a-zA-Z0-9_]*$/;

/** A word as matched: case and (where it is safe) diacritics removed. Vietnamese keeps its marks. */
export function fold(word: string, language?: string): string {
  if (ASCII.test(word)) return word.toLowerCase();
  // Words repeat: each is folded once (the memo is dropped when it grows large).
  const memo = language === 'vi' ? foldedVi : folded;
  let f = memo.get(word);
  if (f === undefined) {
    f = foldWord(word, language);
    if (memo.size > 100_000) memo.clear();
    memo.set(word, f);
  }
  return f;
}

function foldWord(word: string, language?: string): string {
  const lower = word.toLowerCase();
  if (ARABIC_SCRIPT.test(lower)) return foldArabic(lower);
  if (language === 'vi') return lower.normalize('NFC');
  return lower
    .replace(/ı/g, 'i')
    .replace(/ё/g, 'е')
    .replace(/ς/g, 'σ')
    .normalize('NFD')
    .replace(LATIN_OR_GREEK_MARKS, '$1')
    .normalize('NFC');
}

function pushWord(out: Word[], text: string, start: number, end: number, language?: string): void {
  const raw = text.slice(start, end);
  out.push({ lower: raw.toLowerCase(), folded: fold(raw, language), start, end, acronym: ACRONYM.test(raw) });
}

function bigrams(out: Word[], run: string, offset: number): void {
  const chars = [...run];
  if (chars.length === 1) {
    out.push({ lower: run, folded: run, start: offset, end: offset + run.length, acronym: false });
    return;
  }
  let at = offset;
  for (let i = 0; i < chars.length - 1; i++) {
    const pair = `${chars[i]}${chars[i + 1]}`;
    out.push({ lower: pair, folded: pair, start: at, end: at + pair.length, acronym: false });
    at += (chars[i] as string).length;
  }
}

/** The words of a text in order, with their offsets in it. */
export function words(text: string, language?: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const run = m[0];
    const start = m.index;
    if (CJK.test(run)) {
      // "G7サミット": the CJK runs as bigrams, the rest as words.
      let last = 0;
      for (const c of run.matchAll(CJK_RUN)) {
        if (c.index > last) pushWord(out, text, start + last, start + c.index, language);
        bigrams(out, c[0], start + c.index);
        last = c.index + c[0].length;
      }
      if (last < run.length) pushWord(out, text, start + last, start + run.length, language);
    } else if (SEGMENTED.test(run)) {
      segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
      for (const s of segmenter.segment(run)) {
        if (s.isWordLike) pushWord(out, text, start + s.index, start + s.index + s.segment.length, language);
      }
    } else {
      pushWord(out, text, start, start + run.length, language);
    }
  }
  return out;
}

/** The index term of a word in a language: its stem, folded. Words in scripts a stemmer does not know stay whole. */
export function termOf(word: Word, stem: Stemmer | undefined): string {
  if (!stem || CJK.test(word.folded)) return word.folded;
  const stemmed = stem(word.lower);
  return stemmed ? fold(stemmed) : word.folded;
}

/** An index term shorter than this never matches as the stem of a longer query word. */
export const MIN_STEM = 4;
/** How much shorter than a query word an index stem may be and still match it. */
export const STEM_SLACK = 4;

/** Could the search page match this word through its stem (the stem begins it, and is long enough)? */
export function reachableStem(folded: string, stem: string): boolean {
  return stem === folded || (folded.startsWith(stem) && stem.length >= Math.max(MIN_STEM, folded.length - STEM_SLACK));
}

/**
 * The terms a word of a statement is indexed under: its stem, its acronym form, and its folded form too
 * when the stem is one the search page could not reach from the word (Italian "movimento" -> "mov"), so
 * that a reader typing the word as written always finds it.
 */
export function indexTermsOf(word: Word, stem: Stemmer | undefined): string[] {
  const t = termOf(word, stem);
  const terms = [t];
  if (!reachableStem(word.folded, t)) terms.push(word.folded);
  if (word.acronym) terms.push(acronymTerm(word));
  return terms;
}

export function acronymTerm(word: Word): string {
  return `${word.folded}!`;
}

/**
 * Calls `visit` with each index term of each word of a text and the word's offsets; returns how many
 * words there were. The indexer's fast path: a word's terms are worked out once per process and language
 * (`cache`), and only runs of scripts without spaces are cut into words one by one.
 */
export function scanTerms(
  text: string,
  language: string,
  stem: Stemmer | undefined,
  cache: Map<string, string[]>,
  visit: (term: string, start: number, end: number) => void,
): number {
  let count = 0;
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    let terms = cache.get(raw);
    if (terms === undefined) {
      if (CJK.test(raw) || SEGMENTED.test(raw)) {
        for (const w of words(raw, language)) {
          for (const t of indexTermsOf(w, stem)) visit(t, m.index + w.start, m.index + w.end);
          count++;
        }
        continue;
      }
      terms = indexTermsOf(
        { lower: raw.toLowerCase(), folded: fold(raw, language), start: 0, end: raw.length, acronym: ACRONYM.test(raw) },
        stem,
      );
      if (cache.size > 200_000) cache.clear();
      cache.set(raw, terms);
    }
    count++;
    for (const t of terms) visit(t, m.index, m.index + raw.length);
  }
  return count;
}

/** Scripts a query can be written in, and the language whose stemmer the page uses for each. */
export function queryLanguage(word: string, pageLanguage: string): string | undefined {
  if (/\p{Script=Greek}/u.test(word)) return 'el';
  if (/\p{Script=Cyrillic}/u.test(word)) return 'ru';
  if (ARABIC_SCRIPT.test(word)) return /[پچژگکی]/.test(word) ? 'fa' : 'ar';
  if (/\p{Script=Latin}/u.test(word)) return pageLanguage;
  return undefined;
}

/** Scripts whose stemmers only cut endings: an index term that begins a query word may be its stem. */
export function suffixStemmed(word: string): boolean {
  return /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_]+$/u.test(word);
}
