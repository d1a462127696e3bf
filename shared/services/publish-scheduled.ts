// Publishing scheduled statements at their time. A publisher claims the record (a conditional write on its
// revision), publishes it as a submission would, under its id and dated publishAt, then removes it. Any
// number of publishers may race (the local timer, a one-time schedule, the per-minute backstop): one claim
// wins. One that dies after claiming leaves a claim that goes stale, and the next run publishes again,
// which stores nothing twice (a first version is created once per id, from the same blob).
import { setTimeout as sleep } from 'node:timers/promises';
import { inParallel } from '../concurrency/in-parallel.js';
import { isDue, type ScheduledStatement, type ScheduledTarget, STALE_CLAIM_MS, scheduledPrefix } from '../domain/scheduled.js';
import { AppError } from '../errors.js';
import { readStatement } from './read-statement.js';
import { readScheduledInput, type SchedulingPlatform } from './scheduling.js';
import { submitStatement } from './statements.js';
import { linkTranslation } from './translations.js';

export type PublishingPlatform = SchedulingPlatform & Parameters<typeof submitStatement>[0];

/**
 * published; not-due: its time has not come (moved later, or a timer fired early); absent: published or
 * cancelled already; busy: another publisher holds a live claim; failed: its input no longer holds.
 */
export type PublishOutcome = 'published' | 'not-due' | 'absent' | 'busy' | 'failed';

export interface PublishOptions {
  /** How old a claim must be to be taken over (STALE_CLAIM_MS); 0 where no other publisher can be running (a local start). */
  staleClaimMs?: number;
}

const CLAIM_ATTEMPTS = 3;
/** Due records a run takes on at most; a larger backlog is the next run's. */
const DUE_BATCH = 100;
const PUBLISHERS = 4;

/** Publishes the statement if its time has come; safe to call any number of times, at once too. */
export async function publishScheduled(p: PublishingPlatform, target: ScheduledTarget, opts: PublishOptions = {}): Promise<PublishOutcome> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const record = await p.scheduled.get(target.party, target.id);
    if (!record) return 'absent';
    if (record.state === 'failed') return 'failed';
    const now = p.clock.now();
    if (!isDue(record, now)) return 'not-due';
    if (record.state === 'publishing' && Date.parse(record.updatedAt) > now.getTime() - (opts.staleClaimMs ?? STALE_CLAIM_MS)) {
      return 'busy';
    }
    const at = now.toISOString();
    const claim: ScheduledStatement = {
      ...record,
      state: 'publishing',
      revision: record.revision + 1,
      updatedAt: at,
      claimedAt: record.claimedAt ?? at,
    };
    // Lost: changed, cancelled or claimed meanwhile; read it again.
    if (await p.scheduled.replace(claim, record.revision)) return publishClaimed(p, claim);
  }
  return 'busy';
}

async function publishClaimed(p: PublishingPlatform, claim: ScheduledStatement): Promise<PublishOutcome> {
  // Stored by an earlier run that died or timed out before removing its record: finished, not submitted
  // again (a translation's check would now find its language taken by itself).
  const stored = await readStatement(p, claim.id);
  if (stored) {
    await linkTranslation(p, stored);
  } else {
    const { publishAt: _publishAt, ...input } = await readScheduledInput(p, claim);
    try {
      await submitStatement(p, claim.party, { ...input, publishedAt: claim.publishAt }, undefined, {
        id: claim.id,
        now: new Date(claim.claimedAt ?? claim.updatedAt),
      });
    } catch (e) {
      // Anything but a refusal of the input (storage, network; a step after the statement was stored) is left
      // to the claim going stale, and retried then.
      if (!(e instanceof AppError) || (await p.statements.get(claim.id))) throw e;
      const failed: ScheduledStatement = {
        ...claim,
        state: 'failed',
        failure: e.message,
        revision: claim.revision + 1,
        updatedAt: p.clock.now().toISOString(),
      };
      await p.scheduled.replace(failed, claim.revision);
      return 'failed';
    }
  }
  // Only while this claim holds: a publisher whose claim was taken over (it ran past the stale time) leaves
  // the record and its inputs to the one that took over, which finds the statement stored and finishes.
  if (await p.scheduled.remove(claim.party, claim.id, claim.revision)) await p.blobs.delete(await p.blobs.list(scheduledPrefix(claim.id)));
  return 'published';
}

/** Waits (real time) until the record's publishAt on the platform's clock. */
async function untilDue(p: Pick<PublishingPlatform, 'clock'>, record: Pick<ScheduledStatement, 'publishAt'>): Promise<void> {
  const wait = Date.parse(record.publishAt) - p.clock.now().getTime();
  if (wait > 0) await sleep(wait);
}

/**
 * Publishes every statement due now, or within `lookaheadMs` (waiting for each one's time): the local
 * timer (no lookahead) and the AWS backstop (a run a minute, looking past the next run, so that even
 * without its one-time schedule a statement is published on time). Throws, after the others, if any failed.
 */
export async function publishDue(
  p: PublishingPlatform,
  opts: PublishOptions & { lookaheadMs?: number } = {},
): Promise<Partial<Record<PublishOutcome, number>>> {
  const until = new Date(p.clock.now().getTime() + (opts.lookaheadMs ?? 0)).toISOString();
  const records = await p.scheduled.due(until, DUE_BATCH);
  const outcomes: Partial<Record<PublishOutcome, number>> = {};
  const errors: unknown[] = [];
  await inParallel(records, PUBLISHERS, async (record) => {
    await untilDue(p, record);
    try {
      const outcome = await publishScheduled(p, record, opts);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    } catch (e) {
      errors.push(e);
    }
  });
  if (errors.length) throw new AggregateError(errors, `${errors.length} of ${records.length} scheduled statements failed to publish`);
  return outcomes;
}

/**
 * An embargo's own timer fired (EventBridge Scheduler, up to two minutes early by design): wait for its
 * time if it is that near, then publish. A statement moved later has a new timer of its own.
 */
export async function publishWhenDue(p: PublishingPlatform, target: ScheduledTarget, maxWaitMs: number): Promise<PublishOutcome> {
  const record = await p.scheduled.get(target.party, target.id);
  if (!record) return 'absent';
  if (Date.parse(record.publishAt) - p.clock.now().getTime() > maxWaitMs) return 'not-due';
  await untilDue(p, record);
  return publishScheduled(p, target);
}
