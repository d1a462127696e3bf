// Translations: a statement published as the translation of another of its party's statements. The
// original lists its translations (a new version of it, never mailed as news), so that every page and
// listing that shows it shows its languages, and its readers in those languages get their version.
import type { StatementEvent } from '../domain/events.js';
import { randomToken } from '../domain/ids.js';
import { languageName } from '../domain/language.js';
import { liveTranslations, type Statement, type Translation } from '../domain/statement.js';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import { storeNextVersion } from './next-version.js';
import { readStatement, type StatementStore } from './read-statement.js';

const LINK_ATTEMPTS = 8;

/**
 * The statement a new one translates, checked: stored, of the same party, not withdrawn, and not yet in
 * that language. A translation of a translation translates the original.
 */
export async function originalFor(p: StatementStore, party: string, translationOf: string, language: string): Promise<Statement> {
  let original = await readStatement(p, translationOf);
  if (original?.translationOf) original = await readStatement(p, original.translationOf);
  if (!original) {
    throw new ValidationError(`No published statement "${translationOf}" to translate.`, [
      { path: 'translationOf', message: 'no such published statement' },
    ]);
  }
  if (original.party !== party) throw new ForbiddenError('A party publishes translations of its own statements only.');
  if (original.retraction) throw new ConflictError('The statement was retracted; it takes no translations.');
  // A retracted translation left its original's languages (retractStatement): its language is free again.
  const taken = [original, ...liveTranslations(original)].find((v) => v.language === language);
  if (taken) {
    throw new ConflictError(
      `"${original.id}" already has a ${languageName(language)} version ("${taken.id}"): correct that one (PUT /v1/statements/${taken.id}) instead.`,
    );
  }
  return original;
}

type LinkPlatform = StatementStore & { clock: { now(): Date } };

/**
 * Changes the translation's entry on its original: `change` gives the new list, or undefined when there is
 * nothing to do (done already). A new version of the original, retried when another change lands first.
 */
async function changeEntry(
  p: LinkPlatform,
  translation: Statement,
  type: 'statement.translated' | 'statement.imported',
  change: (original: Statement) => Translation[] | undefined,
  stuck: string,
): Promise<void> {
  const originalId = translation.translationOf;
  if (!originalId) return;
  for (let attempt = 0; attempt < LINK_ATTEMPTS; attempt++) {
    const current = await readStatement(p, originalId);
    const translations = current ? change(current) : undefined;
    if (!current || !translations) return;
    const version = current.version + 1;
    const next: Statement = { ...current, version, revision: randomToken(8), translations };
    const event: StatementEvent = { type, statementId: current.id, version, party: current.party, occurredAt: p.clock.now().toISOString() };
    if (await storeNextVersion(p, current, next, event)) return;
  }
  throw new ConflictError(stuck);
}

/**
 * Lists the translation on its original (once; safe to repeat and to race with other changes of it), even
 * when its language is taken (two translations into one language sent at once, which originalFor cannot
 * see; an archive that holds two): every stored translation stays reachable, by a rebuild too, and the
 * office may retract the one too many. An archive's import links with an imported event: never mailed.
 */
export function linkTranslation(
  p: LinkPlatform,
  translation: Statement,
  type: 'statement.translated' | 'statement.imported' = 'statement.translated',
): Promise<void> {
  return changeEntry(
    p,
    translation,
    type,
    (original) =>
      translation.retraction || original.translations?.some((t) => t.id === translation.id)
        ? undefined
        : [...(original.translations ?? []), { id: translation.id, language: translation.language, version: original.version + 1 }],
    'The statement being translated kept changing; send the translation again (with the same Idempotency-Key).',
  );
}

/**
 * Marks a retracted translation so on its original: no longer one of its languages (once; safe to repeat
 * and to race). Pages only: a translation's event that adds no language mails nobody (mailings.ts).
 */
export function unlinkTranslation(p: LinkPlatform, translation: Statement): Promise<void> {
  return changeEntry(
    p,
    translation,
    'statement.translated',
    (original) =>
      original.translations?.some((t) => t.id === translation.id && !t.retracted)
        ? original.translations.map((t) => (t.id === translation.id ? { ...t, retracted: true } : t))
        : undefined,
    'The statement it translates kept changing; retract the translation again to finish.',
  );
}
