// The planner: walks a mailing's subscriber buckets page by page and enqueues send jobs, resumable anywhere.

import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { StatementEvent } from '../domain/events.js';
import { randomToken } from '../domain/ids.js';
import {
  type EmailJob,
  MAX_RECIPIENTS_PER_JOB,
  type Mailing,
  type MailingSpec,
  mailingIdOf,
  RECIPIENTS_PER_JOB,
} from '../domain/mailing.js';
import { MAIL_WINDOW_DAYS, olderThanDays } from '../domain/retention.js';
import { type Correction, liveTranslations, type Statement } from '../domain/statement.js';
import { isActive, isOwnBucket, matchesChoices, type Subscriber, statementBuckets, wantsStatement } from '../domain/subscriber.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/read-statement.js';

/** Subscribers read per page of a bucket. */
export const PLAN_PAGE_SIZE = 500;
/** How long a walker holds a mailing between two pages before another may take it over. */
export const WALK_LEASE_MS = 60_000;

type EmailPlatform = Pick<Platform, 'config' | 'clock' | 'subscribers' | 'mailings' | 'emailJobs' | 'statements' | 'blobs'>;

/**
 * Who of a bucket's subscribers gets the mailing. Publication reaches every reader who wants the statement
 * (each from its own bucket only); a signature only the readers who follow the signer by name and had
 * subscribed by then (readers of everything, or of the author, had it already or subscribed after it was
 * published). A digest reaches its readers; which statements each one gets is the sender's to work out.
 */
export function recipientRule(spec: MailingSpec, statement?: Statement): (s: Subscriber, bucket: string, buckets: string[]) => boolean {
  if (spec.kind === 'digest') return (s) => isActive(s) && s.frequency === spec.frequency;
  const wants = wantsStatementMail(spec.event, statement as Statement);
  // A signature's mailing walks one bucket; a publication's, a subscriber from its first bucket only.
  if (spec.event.type === 'statement.signed') return wants;
  return (s, bucket, buckets) => wants(s) && isOwnBucket(s, bucket, buckets);
}

/** Whether the subscriber, as stored now, gets the statement's mail for this event: the planner's and the sender's test. */
export function wantsStatementMail(e: StatementEvent, statement: Statement): (s: Subscriber) => boolean {
  const wants = (s: Subscriber, as: Statement) =>
    !statement.retraction &&
    s.frequency === 'immediate' &&
    (e.type !== 'statement.signed' || s.parties.includes(e.party)) &&
    wantsStatement(s, as, e.occurredAt);
  // A correction goes to the readers of the corrected text's language (each translation is its own text).
  if (e.type === 'statement.corrected') return (s) => wants(s, { ...statement, translations: [] });
  if (e.type !== 'statement.translated') return (s) => wants(s, statement);
  // A new translation reaches the readers of its language who did not want the statement before it.
  const now = withTranslationsUpTo(statement, e.version);
  const before = withTranslationsUpTo(statement, e.version - 1);
  return (s) => wants(s, now) && !matchesChoices(s, before);
}

/** The statement as it was listed at `version`: with the translations added up to then. */
function withTranslationsUpTo(statement: Statement, version: number): Statement {
  return { ...statement, translations: liveTranslations(statement).filter((t) => (t.version ?? 0) <= version) };
}

/** The correction that made this version of the statement, if one did. */
export function correctionOf(statement: Statement, version: number): Correction | undefined {
  return statement.corrections?.find((c) => c.version === version);
}

/** Whether the event is news to mail at all: imports, rebuilds, and anything past the mail window are not. */
export function isMailable(spec: MailingSpec, now: Date, statement?: Statement): boolean {
  if (spec.kind === 'digest') return true;
  const e = spec.event;
  if (e.type === 'statement.imported' || e.type === 'statement.rebuild') return false;
  // A retraction, and a correction the office did not ask to send, are not mailed; nor is a translation:
  // its original's mailing (statement.translated) sends each reader the version in their language.
  if (e.type === 'statement.retracted' || statement?.translationOf) return false;
  if (e.type === 'statement.corrected' && statement && !correctionOf(statement, e.version)?.notified) return false;
  // A translation's link taken back (it was retracted) adds no language: nobody to mail.
  if (e.type === 'statement.translated' && statement && !liveTranslations(statement).some((t) => t.version === e.version)) return false;
  // A late or republished event is news no longer, and a statement past the window may have lost its
  // ledger entries (a signature on day 31 would otherwise mail everyone again).
  if (olderThanDays(e.occurredAt, MAIL_WINDOW_DAYS, now.getTime())) return false;
  // A correction is mailed under its own version's ledger entries, however old the statement.
  if (e.type === 'statement.corrected') return true;
  return !statement || !olderThanDays(statement.createdAt, MAIL_WINDOW_DAYS, now.getTime());
}

function bucketsOf(spec: MailingSpec, statement?: Statement): string[] {
  if (spec.kind === 'digest') return [`digest:${spec.frequency}`];
  if (spec.event.type === 'statement.signed') return [`party:${spec.event.party}`];
  if (spec.event.type === 'statement.translated') return statementBuckets(withTranslationsUpTo(statement as Statement, spec.event.version));
  if (spec.event.type === 'statement.corrected') return statementBuckets({ ...(statement as Statement), translations: [] });
  return statementBuckets(statement as Statement);
}

/** The mailing's record, created on first sight with the buckets to walk (idempotent). */
async function startMailing(p: EmailPlatform, spec: MailingSpec, statement?: Statement): Promise<Mailing> {
  const id = mailingIdOf(spec);
  const existing = await p.mailings.get(id);
  if (existing) return existing;
  const mailing: Mailing = {
    id,
    spec,
    buckets: bucketsOf(spec, statement),
    bucket: 0,
    done: false,
    jobs: 0,
    recipients: 0,
    startedAt: p.clock.now().toISOString(),
  };
  // Two starters at once: one creates it, both walk the stored one.
  if (await p.mailings.create(mailing)) return mailing;
  return (await p.mailings.get(id)) ?? mailing;
}

export type WalkOutcome = 'done' | 'continues' | 'busy' | 'not mailed';

/**
 * Another walker holds the mailing. It may have died holding it (a crash, a timeout): a 'plan' job that
 * shows up once its lease has run out takes over then, or finds the mailing done. While the holder lives
 * this keeps one job coming back a minute apart, no more.
 */
async function leaveToHolder(p: EmailPlatform, spec: MailingSpec): Promise<'busy'> {
  await p.emailJobs.enqueue([{ kind: 'plan', mailing: spec }], { delaySeconds: WALK_LEASE_MS / 1000 + 1 });
  return 'busy';
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * Walks the mailing on from where it stands until it is done or `deadline` (epoch ms) passes. Each page's
 * send jobs are enqueued before the walk's position moves past it, so a crash anywhere walks that page again
 * (the ledger keeps its recipients from getting two messages). One walker at a time holds the mailing's
 * lease; another arriving meanwhile ('busy') leaves it to the holder. Stopping at the deadline, the walker
 * gives up the lease, then enqueues a 'plan' job to continue; the caller's message is acknowledged only
 * after that, so a crash in between redelivers it.
 */
export async function walkMailing(p: EmailPlatform, spec: MailingSpec, deadline: number): Promise<WalkOutcome> {
  const statement =
    spec.kind === 'statement' && isMailable(spec, p.clock.now()) ? await requireStatement(p, spec.event.statementId) : undefined;
  if (!isMailable(spec, p.clock.now(), statement)) return 'not mailed';
  const started = await startMailing(p, spec, statement);
  if (started.done) return 'done';
  const holder = randomToken(8);
  let mailing = await p.mailings.acquire(started.id, holder, Date.now() + WALK_LEASE_MS);
  if (!mailing) return leaveToHolder(p, spec);
  const wants = recipientRule(spec, statement);
  let outOfTime = false;
  try {
    while (!mailing.done) {
      if (Date.now() >= deadline) {
        outOfTime = true;
        break;
      }
      const current: Mailing = mailing;
      const bucket: string | undefined = current.buckets[current.bucket];
      if (bucket === undefined) {
        mailing = { ...mailing, done: true, finishedAt: p.clock.now().toISOString() };
      } else {
        const page = await p.subscribers.inBucket(bucket, { limit: PLAN_PAGE_SIZE, ...(mailing.cursor ? { cursor: mailing.cursor } : {}) });
        const recipients: string[] = page.items.filter((s) => wants(s, bucket, current.buckets)).map((s) => s.id);
        const size = Math.min(p.config.recipientsPerJob ?? RECIPIENTS_PER_JOB, MAX_RECIPIENTS_PER_JOB);
        const jobs: EmailJob[] = chunk(recipients, size).map((ids) => ({ kind: 'send', mailing: spec, recipients: ids }));
        if (jobs.length) await p.emailJobs.enqueue(jobs);
        const { cursor: _done, ...rest } = mailing;
        mailing = {
          ...(page.nextCursor ? { ...rest, cursor: page.nextCursor } : { ...rest, bucket: mailing.bucket + 1 }),
          jobs: mailing.jobs + jobs.length,
          recipients: mailing.recipients + recipients.length,
        };
      }
      // Another walker took over after this one's lease ran out: it walks on from what it read.
      if (!(await p.mailings.advance(mailing, holder, Date.now() + WALK_LEASE_MS))) return leaveToHolder(p, spec);
      // The embedded adapters answer without waiting on anything: let requests and pages in between pages.
      await yieldToEvents();
    }
  } finally {
    await p.mailings.release(started.id, holder);
  }
  if (outOfTime) {
    await p.emailJobs.enqueue([{ kind: 'plan', mailing: spec }]);
    return 'continues';
  }
  return 'done';
}
