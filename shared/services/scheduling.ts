// Embargoes: a statement whose publishAt lies ahead is kept as scheduled, in a store of its own that no
// page, listing, feed, index or mailing reads, until the timer publishes it (publish-scheduled.ts). Its
// office can read, list and cancel it meanwhile (changes: scheduled-changes.ts).
import { randomToken } from '../domain/ids.js';
import {
  EMBARGO_MAX_AHEAD_DAYS,
  isEmbargo,
  revisionOfIfMatch,
  type ScheduledStatement,
  type ScheduledView,
  scheduledEtag,
  scheduledPrefix,
  scheduledView,
} from '../domain/scheduled.js';
import type { ValidStatementInput } from '../domain/statement.js';
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { Page } from '../ports.js';

export type SchedulingPlatform = Pick<Platform, 'scheduled' | 'embargoTimer' | 'blobs' | 'statements' | 'clock'>;

const DAY_MS = 86_400_000;

/** Each version of the input gets a key of its own: racing writers never overwrite each other's. */
export async function storeScheduledInput(p: Pick<Platform, 'blobs'>, id: string, input: ValidStatementInput): Promise<string> {
  const key = `${scheduledPrefix(id)}${randomToken(8)}.json`;
  await p.blobs.put(key, JSON.stringify(input), 'application/json');
  return key;
}

export async function readScheduledInput(p: Pick<Platform, 'blobs'>, record: ScheduledStatement): Promise<ValidStatementInput> {
  const bytes = await p.blobs.get(record.inputKey);
  if (!bytes) throw new Error(`scheduled statement ${record.id} has no input at ${record.inputKey}`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as ValidStatementInput;
}

/** publishAt as stored (UTC, milliseconds), checked: within the horizon, and not beside a publishedAt. */
export function checkedPublishAt(input: Pick<ValidStatementInput, 'publishAt' | 'publishedAt'>, now: Date): string {
  if (input.publishAt === undefined) {
    throw new ValidationError('A scheduled statement needs its publishAt.', [{ path: 'publishAt', message: 'required' }]);
  }
  if (input.publishedAt !== undefined) {
    throw new ValidationError('A statement is either scheduled (publishAt) or dated in the past (publishedAt), not both.', [
      { path: 'publishedAt', message: 'not allowed with publishAt' },
    ]);
  }
  const at = Date.parse(input.publishAt);
  if (at - now.getTime() > EMBARGO_MAX_AHEAD_DAYS * DAY_MS) {
    throw new ValidationError(`publishAt may be at most ${EMBARGO_MAX_AHEAD_DAYS} days ahead.`, [
      { path: 'publishAt', message: `more than ${EMBARGO_MAX_AHEAD_DAYS} days ahead` },
    ]);
  }
  return new Date(at).toISOString();
}

export interface ScheduledSubmission {
  view: ScheduledView;
  created: boolean;
}

/**
 * submitStatement's embargo step, after the input was checked as for a publish: a publishAt ahead stores
 * the statement as scheduled, under the id it will be published with. A retry (same Idempotency-Key,
 * `replay`) finds what the first attempt scheduled. Undefined: publish now.
 */
export async function scheduleSubmission(
  p: SchedulingPlatform,
  party: string,
  input: ValidStatementInput,
  at: { id: string; now: Date; replay: boolean },
): Promise<ScheduledSubmission | undefined> {
  if (at.replay) {
    const held = await p.scheduled.get(party, at.id);
    if (held) {
      // The first attempt may have failed to set its timer (and answered 5xx): set it now (create or update).
      if (held.state === 'scheduled') await p.embargoTimer.set({ id: at.id, party }, held.publishAt);
      return { view: scheduledView(held, await readScheduledInput(p, held)), created: false };
    }
  }
  if (!isEmbargo(input.publishAt, at.now)) return undefined;
  const publishAt = checkedPublishAt(input, at.now);
  const stored: ValidStatementInput = { ...input, publishAt };
  const now = at.now.toISOString();
  const record: ScheduledStatement = {
    id: at.id,
    party,
    publishAt,
    title: input.title,
    language: input.language,
    inputKey: await storeScheduledInput(p, at.id, stored),
    revision: 1,
    state: 'scheduled',
    createdAt: now,
    updatedAt: now,
  };
  if (!(await p.scheduled.create(record))) {
    // A retry that raced its first attempt: the first one's record holds.
    const held = await p.scheduled.get(party, at.id);
    if (!held) throw new ConflictError('The statement was scheduled and cancelled meanwhile; submit it again with a new Idempotency-Key.');
    return { view: scheduledView(held, await readScheduledInput(p, held)), created: false };
  }
  await p.embargoTimer.set({ id: at.id, party }, publishAt);
  return { view: scheduledView(record, stored), created: true };
}

/** The party's own scheduled statement with its input, or undefined (others never see one). */
export async function getScheduled(p: SchedulingPlatform, party: string, id: string): Promise<ScheduledView | undefined> {
  const record = await p.scheduled.get(party, id);
  return record ? scheduledView(record, await readScheduledInput(p, record)) : undefined;
}

/** The query of GET /v1/scheduled. */

/** In the order they were scheduled, without their text. */
export async function listScheduled(
  p: SchedulingPlatform,
  party: string,
  page: { limit: number; cursor?: string },
): Promise<Page<ScheduledView>> {
  const records = await p.scheduled.listForParty(party, page);
  return { items: records.items.map((r) => scheduledView(r)), ...(records.nextCursor ? { nextCursor: records.nextCursor } : {}) };
}

/** Why there is no scheduled statement to change or cancel: published already (theirs: 409), or none (404). */
export async function notScheduled(p: SchedulingPlatform, party: string, id: string, correction: string): Promise<Error> {
  const published = await p.statements.get(id);
  if (published?.party === party) return new ConflictError(`This statement is published already; ${correction}.`);
  return new NotFoundError(`No scheduled statement "${id}".`);
}

/** The record as its office may change or cancel it now: not being published, and at the revision If-Match names (when given). */
export async function changeableRecord(
  p: SchedulingPlatform,
  party: string,
  id: string,
  ifMatch: string | undefined,
  correction: string,
): Promise<ScheduledStatement> {
  const record = await p.scheduled.get(party, id);
  if (!record) throw await notScheduled(p, party, id, correction);
  if (record.state === 'publishing') throw new ConflictError(`This statement is being published now; ${correction} once it is.`);
  if (ifMatch !== undefined && revisionOfIfMatch(ifMatch) !== record.revision) {
    throw new VersionMismatchError(
      `The scheduled statement is at ETag ${scheduledEtag(record)}, not the one named by If-Match: read it again and apply your change to it.`,
    );
  }
  return record;
}

const RETRACT_INSTEAD = 'retract it instead (POST /v1/statements/{id}/retraction)';

/**
 * DELETE /v1/statements/{id} of a scheduled statement: it is forgotten, its timer cleared, its inputs
 * deleted. If-Match is optional here: cancelling needs no text of it.
 */
export async function cancelScheduled(p: SchedulingPlatform, party: string, id: string, ifMatch?: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    // A record changed or claimed since it was read fails the removal; the next read says which (412, 409).
    const record = await changeableRecord(p, party, id, ifMatch, RETRACT_INSTEAD);
    if (await p.scheduled.remove(party, id, record.revision)) {
      await p.embargoTimer.clear({ id, party });
      await p.blobs.delete(await p.blobs.list(scheduledPrefix(id)));
      return;
    }
  }
  throw new VersionMismatchError('The scheduled statement kept changing while it was being cancelled; read it again.');
}
