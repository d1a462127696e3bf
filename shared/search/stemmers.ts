// The stemmers the indexer uses, by language (the primary subtag of the statement's BCP 47 tag): every
// Snowball stemmer @orama/stemmers has for a language statements are written in. Persian, Hebrew, CJK and
// the rest are indexed by folded word; the search page matches them the same way. (The Bulgarian stemmer
// of this version writes into strings and throws in strict mode: Bulgarian is indexed by word too.)
import { stemmer as ar } from '@orama/stemmers/arabic';
import { stemmer as hy } from '@orama/stemmers/armenian';
import { stemmer as da } from '@orama/stemmers/danish';
import { stemmer as nl } from '@orama/stemmers/dutch';
import { stemmer as en } from '@orama/stemmers/english';
import { stemmer as fi } from '@orama/stemmers/finnish';
import { stemmer as fr } from '@orama/stemmers/french';
import { stemmer as de } from '@orama/stemmers/german';
import { stemmer as el } from '@orama/stemmers/greek';
import { stemmer as hu } from '@orama/stemmers/hungarian';
import { stemmer as id } from '@orama/stemmers/indonesian';
import { stemmer as ga } from '@orama/stemmers/irish';
import { stemmer as it } from '@orama/stemmers/italian';
import { stemmer as lt } from '@orama/stemmers/lithuanian';
import { stemmer as ne } from '@orama/stemmers/nepali';
import { stemmer as no } from '@orama/stemmers/norwegian';
import { stemmer as pt } from '@orama/stemmers/portuguese';
import { stemmer as ro } from '@orama/stemmers/romanian';
import { stemmer as ru } from '@orama/stemmers/russian';
import { stemmer as es } from '@orama/stemmers/spanish';
import { stemmer as sv } from '@orama/stemmers/swedish';
import { stemmer as ta } from '@orama/stemmers/tamil';
import { stemmer as tr } from '@orama/stemmers/turkish';
import { stemmer as uk } from '@orama/stemmers/ukrainian';
import type { Stemmer, StemmerFor } from './analyze.js';

const STEMMERS: Record<string, Stemmer> = {
  ar,
  hy,
  da,
  nl,
  en,
  fi,
  fr,
  de,
  el,
  hu,
  id,
  ga,
  it,
  lt,
  ne,
  no,
  nb: no,
  nn: no,
  pt,
  ro,
  ru,
  es,
  sv,
  ta,
  tr,
  uk,
};

/** Stems repeat: a word is stemmed once per language and process. */
const memo = new Map<string, Map<string, string>>();

export const indexStemmerFor: StemmerFor = (language) => {
  const primary = language.split('-')[0]?.toLowerCase() ?? language;
  const stem = Object.hasOwn(STEMMERS, primary) ? STEMMERS[primary] : undefined;
  if (!stem) return undefined;
  const known = memo.get(primary) ?? new Map<string, string>();
  memo.set(primary, known);
  return (word) => {
    let s = known.get(word);
    if (s === undefined) {
      try {
        s = stem(word);
      } catch {
        // A stemmer that fails on a word leaves it whole, as in a language without one.
        s = word;
      }
      if (known.size > 200_000) known.clear();
      known.set(word, s);
    }
    return s;
  };
};
