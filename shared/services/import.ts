// Importing an existing archive, one statement at a time, through the same domain path as the API
// (validation, sanitising, blob + row + event) but keeping what the archive says: the statement's id, its
// publication time, its cosigners (signed when it was published), countries and the statement it translates.
import { CountryCode, PartyId } from '../domain/party.js';
import * as z from '../domain/schema.js';
import { type Statement, StatementId, StatementInput, statementBlobKey, summarise } from '../domain/statement.js';
import { fieldIssues, ValidationError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { StatementStore } from './read-statement.js';
import { checkCosigners, firstVersion } from './statements.js';
import { linkTranslation } from './translations.js';

/** One line of an archive's statements.jsonl (the format ../shared/bench/make-corpus.mjs writes). */
export const ArchivedStatement = z.extend(StatementInput, {
  id: StatementId,
  party: PartyId,
  publishedAt: z.iso.datetime({ offset: true }),
  countries: z.optional(z.array(CountryCode).check(z.maxLength(20))),
  translationOf: z.optional(z.nullable(StatementId)),
});

export type ImportOutcome = 'imported' | 'already there';

/** One archived statement, stored whole (blob, then row and event) or not at all. */
export async function importStatement(
  p: StatementStore & Pick<Platform, 'parties' | 'clock' | 'config'>,
  record: unknown,
): Promise<ImportOutcome> {
  const prepared = await prepareImport(p, record);
  if (prepared === 'already there') return prepared;
  const [outcome] = await commitImports(p, [prepared]);
  return outcome as ImportOutcome;
}

/**
 * Validates an archived statement and writes its blob; the statement exists once commitImports stores its
 * row (a blob without a row is never read, and is written again by the next import).
 */
export async function prepareImport(
  p: StatementStore & Pick<Platform, 'parties' | 'clock' | 'config'>,
  record: unknown,
): Promise<Statement | 'already there'> {
  const parsed = ArchivedStatement.safeParse(record);
  if (!parsed.success) throw new ValidationError('The statement is not valid.', fieldIssues(parsed.error.issues));
  const input = parsed.data;
  // Importing the same archive again changes nothing.
  if (await p.statements.get(input.id)) return 'already there';
  const author = await p.parties.get(input.party);
  if (!author) {
    throw new ValidationError(`No party "${input.party}": add it to the parties file.`, [{ path: 'party', message: 'unknown party' }]);
  }
  await checkCosigners(p, input.party, input.cosigners);
  const statement = firstVersion(p, input, {
    id: input.id,
    party: input.party,
    now: p.clock.now(),
    countries: input.countries?.length ? input.countries : [author.country],
  });
  // The archive's joint statements were signed when they were published.
  const cosigners = [...new Set(input.cosigners.filter((c) => c !== input.party))];
  statement.cosigners = cosigners;
  statement.signatures = cosigners.map((party) => ({ party, signedAt: statement.publishedAt }));
  if (input.translationOf) statement.translationOf = input.translationOf;
  await p.blobs.put(statementBlobKey(statement.id, 1), JSON.stringify(statement), 'application/json');
  return statement;
}

/**
 * Stores the rows and events of prepared statements, together (the embedded table commits them at once),
 * then lists each translation on the statement it translates (imported before it, as archives are ordered).
 */
export async function commitImports(p: StatementStore & Pick<Platform, 'clock'>, statements: Statement[]): Promise<ImportOutcome[]> {
  const created = await p.statements.createMany(
    statements.map((s) => ({
      summary: summarise(s),
      event: { type: 'statement.imported', statementId: s.id, version: 1, party: s.party, occurredAt: s.createdAt },
    })),
  );
  for (const s of statements) if (s.translationOf) await linkTranslation(p, s, 'statement.imported');
  return created.map((c) => (c ? 'imported' : 'already there'));
}
