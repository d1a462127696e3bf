// Tokenising for search, shared by the indexer (Node) and the search page (browser): Intl.Segmenter words,
// folded; runs of CJK and Hangul become character bigrams, so no dictionary has to agree between the two.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const DIACRITICS = /[\u0300-\u036f]/g;
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

export function fold(word: string): string {
  return word.normalize('NFKD').replace(DIACRITICS, '').toLowerCase().normalize('NFC');
}

function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i < chars.length - 1; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** The distinct search tokens of a text, in first-seen order. */
export function tokenize(text: string): string[] {
  const tokens = new Set<string>();
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (!isWordLike) continue;
    const word = fold(segment);
    if (CJK.test(word)) {
      // Split into CJK runs and the rest (e.g. "G7サミット"), each run into bigrams.
      for (const part of word.match(
        /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu,
      ) ?? []) {
        if (CJK.test(part)) for (const b of bigrams(part)) tokens.add(b);
        else tokens.add(part);
      }
    } else {
      tokens.add(word);
    }
  }
  return [...tokens];
}

/** Which index shard holds a token: FNV-1a over its UTF-16 code units. */
export function shardOf(token: string, shardCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shardCount;
}

export const SHARD_COUNT = 64;

export function shardKey(shard: number): string {
  return `search/shards/${String(shard).padStart(2, '0')}.json`;
}
