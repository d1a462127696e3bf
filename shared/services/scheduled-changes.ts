// Changing a scheduled statement before its time: PUT /v1/statements/{id} with the whole statement, its
// publishAt included, made from the revision If-Match names. Apart from scheduling.ts, which
// submitStatement imports: the checks here are submitStatement's own.
import { EMBARGO_MIN_AHEAD_MS, isEmbargo, type ScheduledStatement, type ScheduledView, scheduledView } from '../domain/scheduled.js';
import { StatementInput, type ValidStatementInput } from '../domain/statement.js';
import { ForbiddenError, fieldIssues, PreconditionRequiredError, ValidationError, VersionMismatchError } from '../errors.js';
import type { Platform } from '../platform.js';
import { resolveAttachments } from './attachments.js';
import { changeableRecord, checkedPublishAt, type SchedulingPlatform, storeScheduledInput } from './scheduling.js';
import { checkCosigners } from './statements.js';
import { originalFor } from './translations.js';

const CORRECT_INSTEAD = 'correct it instead (PUT with the ETag of the published version)';

type ChangePlatform = SchedulingPlatform & Pick<Platform, 'parties' | 'attachments'>;

/** The new input, checked as a submission is: the key's party, cosigners that exist, its attachments, the statement it translates. */
async function checkedInput(p: ChangePlatform, party: string, body: unknown): Promise<ValidStatementInput> {
  const parsed = StatementInput.safeParse(body);
  if (!parsed.success) throw new ValidationError('The statement is not valid.', fieldIssues(parsed.error.issues));
  const input = parsed.data;
  if (input.party !== undefined && input.party !== party) {
    throw new ForbiddenError(`This key acts for the party "${party}", not "${input.party}".`);
  }
  await checkCosigners(p, party, input.cosigners);
  await resolveAttachments(p, party, input.attachments);
  if (input.translationOf) await originalFor(p, party, input.translationOf, input.language);
  return input;
}

/**
 * Replaces a scheduled (or failed) statement's text and time. 428 without If-Match, 412 when it names
 * another revision, 409 once it is being published or published (correct it then).
 */
export async function changeScheduled(
  p: ChangePlatform,
  party: string,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
): Promise<ScheduledView> {
  if (ifMatch === undefined) {
    throw new PreconditionRequiredError(
      'Send If-Match with the ETag of the scheduled statement ("s1"; GET /v1/statements/{id} gives it), so that no change made meanwhile is overwritten.',
    );
  }
  const input = await checkedInput(p, party, body);
  const now = p.clock.now();
  const publishAt = checkedPublishAt(input, now);
  if (!isEmbargo(publishAt, now)) {
    throw new ValidationError('A scheduled statement keeps a publishAt ahead; to publish it at once, set publishAt a few seconds ahead.', [
      { path: 'publishAt', message: `must be more than ${EMBARGO_MIN_AHEAD_MS / 1000} s ahead` },
    ]);
  }
  const record = await changeableRecord(p, party, id, ifMatch, CORRECT_INSTEAD);
  const stored: ValidStatementInput = { ...input, publishAt };
  const { failure: _failure, ...kept } = record;
  const next: ScheduledStatement = {
    ...kept,
    publishAt,
    title: input.title,
    language: input.language,
    inputKey: await storeScheduledInput(p, id, stored),
    revision: record.revision + 1,
    state: 'scheduled',
    updatedAt: now.toISOString(),
  };
  if (!(await p.scheduled.replace(next, record.revision))) {
    // Claimed, changed or cancelled since it was read: the next read says which (409, 412, 404).
    await changeableRecord(p, party, id, ifMatch, CORRECT_INSTEAD);
    throw new VersionMismatchError('The scheduled statement changed while your change was being stored; read it again.');
  }
  await p.embargoTimer.set({ id, party }, publishAt);
  return scheduledView(next, stored);
}
