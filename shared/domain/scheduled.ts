// Embargoes: a statement kept apart as scheduled until its publishAt, then published by a timer.
import type { ValidStatementInput } from './statement.js';

/** A publishAt nearer than this is no embargo: the statement is published at once. */
export const EMBARGO_MIN_AHEAD_MS = 1_000;
/** Further ahead than this is taken for a typo (2207 for 2027). */
export const EMBARGO_MAX_AHEAD_DAYS = 366;
/**
 * A claim to publish older than this is taken for a publisher that died between its steps: the next run
 * publishes again, which is safe (the statement's first version is stored idempotently by id).
 */
export const STALE_CLAIM_MS = 60_000;

/**
 * scheduled: waiting for its time; publishing: claimed by a publisher; failed: its input no longer held at
 * its time (the statement it translates was retracted…), kept with the reason until the office changes or
 * cancels it. Only scheduled and failed ones can be changed or cancelled.
 */
export type ScheduleState = 'scheduled' | 'publishing' | 'failed';

/**
 * A scheduled statement. Its input (up to 500 KB of Markdown, over DynamoDB's item limit) is a blob under
 * `inputKey`; a change writes a new blob, so two racing changes never write the same key.
 */
export interface ScheduledStatement {
  /** The id it will be published under. */
  id: string;
  party: string;
  /** ISO time, UTC, milliseconds (toISOString): compared as text by both adapters. */
  publishAt: string;
  title: string;
  language: string;
  inputKey: string;
  /** Raised by every write: changes, cancellations and claims are conditional on it (ETag "s<revision>"). */
  revision: number;
  state: ScheduleState;
  createdAt: string;
  updatedAt: string;
  /** Set by the first claim and kept by any later one: the published statement's createdAt, so a rerun writes the same blob. */
  claimedAt?: string;
  /** Why publishing it failed (state failed). */
  failure?: string;
}

/** Whom a timer fires for: the key of a scheduled statement. */
export interface ScheduledTarget {
  id: string;
  party: string;
}

/** What the API shows the office: the record, and on a single read its input (PUT takes it back whole). */
export interface ScheduledView {
  id: string;
  state: ScheduleState;
  party: string;
  publishAt: string;
  title: string;
  language: string;
  createdAt: string;
  updatedAt: string;
  /** What If-Match names (ETag "s<revision>"). */
  revision: number;
  failure?: string;
  input?: ValidStatementInput;
}

export function scheduledView(record: ScheduledStatement, input?: ValidStatementInput): ScheduledView {
  const { id, state, party, publishAt, title, language, createdAt, updatedAt, revision, failure } = record;
  return {
    id,
    state,
    party,
    publishAt,
    title,
    language,
    createdAt,
    updatedAt,
    revision,
    ...(failure ? { failure } : {}),
    ...(input ? { input } : {}),
  };
}

/** A scheduled statement's entity tag: "s" and its revision, never equal to a published statement's ("2"). */
export function scheduledEtag(record: Pick<ScheduledStatement, 'revision'>): string {
  return `"s${record.revision}"`;
}

/** The revision an If-Match header names ("s3" or W/"s3"); undefined when it names none. */
export function revisionOfIfMatch(header: string | undefined): number | undefined {
  const m = header === undefined ? null : /^\s*(?:W\/)?"s(\d{1,9})"\s*$/.exec(header);
  return m ? Number(m[1]) : undefined;
}

/** Where a scheduled statement's inputs are kept (content store), all removed once it is published or cancelled. */
export function scheduledPrefix(id: string): string {
  return `scheduled/${id}/`;
}

export function isEmbargo(publishAt: string | undefined, now: Date): publishAt is string {
  return publishAt !== undefined && Date.parse(publishAt) - now.getTime() > EMBARGO_MIN_AHEAD_MS;
}

export function isDue(record: Pick<ScheduledStatement, 'publishAt'>, now: Date): boolean {
  return Date.parse(record.publishAt) <= now.getTime();
}
