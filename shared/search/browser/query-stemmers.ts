// The stemmers the search page carries: the page's language (English) and the languages a query's
// script points to (Greek, Russian for Cyrillic, Arabic). Other languages written in Latin script are
// matched through their index stems that begin the query word ("huelgas" finds the stem "huelg").
import { stemmer as ar } from '@orama/stemmers/arabic';
import { stemmer as en } from '@orama/stemmers/english';
import { stemmer as el } from '@orama/stemmers/greek';
import { stemmer as ru } from '@orama/stemmers/russian';
import type { StemmerFor } from '../analyze.js';

const STEMMERS: Record<string, (w: string) => string> = { ar, en, el, ru };

export const queryStemmerFor: StemmerFor = (language) => {
  const primary = language.split('-')[0] ?? language;
  return Object.hasOwn(STEMMERS, primary) ? STEMMERS[primary] : undefined;
};
