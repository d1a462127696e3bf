// The ports: small interfaces the domain needs, each with an embedded (local) and an AWS adapter.
import type { AttachmentType } from './domain/attachment-files.js';
import type { AuditEntry } from './domain/audit.js';
import type { StatementEvent } from './domain/events.js';
import type { EmailJob, Mailing } from './domain/mailing.js';
import type { Party } from './domain/party.js';
import type { PressKeyRecord } from './domain/press-key.js';
import type { ScheduledStatement, ScheduledTarget } from './domain/scheduled.js';
import type { StatementSummary } from './domain/statement.js';
import type { Subscriber } from './domain/subscriber.js';

/** A write that applies only if the object is still as the writer read it (S3 If-Match / If-None-Match). */
export type PutCondition = { ifMatch: string } | { ifNoneMatch: '*' };

/** An object with the entity tag that a conditional put names. */
export interface VersionedObject {
  body: Uint8Array;
  etag: string;
}

/** What an object is served with besides its type (attachments). */
export interface PutOptions {
  /** Served as Content-Disposition (S3 stores it; the local site server derives the same from the key). */
  contentDisposition?: string;
}

/** Blobs and the site store: files under DATA_DIR locally, S3 buckets on AWS. */
export interface ObjectStore {
  /** With a condition, throws PreconditionFailedError when the object changed since it was read. */
  put(key: string, body: string | Uint8Array, contentType: string, condition?: PutCondition, options?: PutOptions): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** The object and its entity tag, for a read-modify-write guarded by a conditional put. */
  read(key: string): Promise<VersionedObject | undefined>;
  list(prefix: string): Promise<string[]>;
  /** Removes these objects; one that is not there is no error. */
  delete(keys: string[]): Promise<void>;
}

/**
 * Named mutual exclusion across every process that shares the platform: an in-process mutex on one
 * machine, a lease item in DynamoDB on AWS. A lease can expire under a stalled holder, so writes made
 * under it are still conditional puts: the lock keeps writers apart, the condition fences a late one.
 */
export interface Locks {
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass it back to get the next (older) page. */
  nextCursor?: string;
}

export interface PartyRepository {
  put(party: Party): Promise<void>;
  get(id: string): Promise<Party | undefined>;
  list(): Promise<Party[]>;
}

export interface PressKeyRepository {
  /** Stores the record as it is, outside the live-key limit (tests, data from before names); issuing uses putWithinLimit. */
  put(record: PressKeyRecord): Promise<void>;
  /**
   * Stores a new key unless its party already has `maxLive` keys not revoked: false then, and nothing is
   * kept. Holds under concurrent issuing (one SQLite statement; on DynamoDB a conditional set of live ids).
   */
  putWithinLimit(record: PressKeyRecord, maxLive: number): Promise<boolean>;
  get(keyId: string): Promise<PressKeyRecord | undefined>;
  /** False when there is no such key. Revoking twice keeps the first time. */
  revoke(keyId: string, at: string): Promise<boolean>;
  /**
   * Sets lastUsedAt to `at` unless it is already later than lastUseStaleAt(at) (domain/press-key.ts), as a
   * conditional write: true when it wrote.
   */
  recordUse(keyId: string, at: string): Promise<boolean>;
  /** Oldest first, revoked keys included. */
  listForParty(party: string): Promise<PressKeyRecord[]>;
}

/** Each office's record of what it did, newest first; entries expire after AUDIT_LOG_DAYS. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  list(party: string, page: { limit: number; cursor?: string }): Promise<Page<AuditEntry>>;
}

export interface IdempotencyRecord {
  party: string;
  key: string;
  fingerprint: string;
  statementId: string;
}

/** A stored statement with the event its commit emitted, and whether the relay has passed that event on. */
export interface StatementRecord {
  summary: StatementSummary;
  event: StatementEvent;
  relayedAt?: string;
}

export interface StatementRepository {
  /** Records (party, key) -> statement id unless already there; returns whichever record holds. */
  reserveIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /**
   * The commit point of a submission: stores the listing row and, in the same atomic step, its event
   * in the outbox. False when a statement with this id already exists (nothing changes then).
   */
  create(summary: StatementSummary, event: StatementEvent): Promise<boolean>;
  /** create() for each entry, in order; the embedded table commits them together (an import's group commit). */
  createMany(entries: Array<{ summary: StatementSummary; event: StatementEvent }>): Promise<boolean[]>;
  /**
   * Replaces the row with the next version (and lists it under any party newly signed), with its event, in
   * one atomic step; false when the stored version is no longer `expectedVersion` (read again, retry).
   */
  update(summary: StatementSummary, expectedVersion: number, event: StatementEvent): Promise<boolean>;
  get(id: string): Promise<StatementSummary | undefined>;
  /** Newest first. With a party: the statements it wrote or cosigned. */
  list(query: { party?: string; limit: number; cursor?: string }): Promise<Page<StatementSummary>>;
  /**
   * The statements that invite this party to sign and that it has not signed yet (nor were they retracted),
   * newest first. A page may hold fewer than `limit` (signed invitations are skipped); `nextCursor` goes on.
   */
  listInvitations(party: string, page: { limit: number; cursor?: string }): Promise<Page<StatementSummary>>;
  /** Statements stored at or after `since` (ISO time), in the order they were stored: for republishing. */
  listStoredSince(query: { since: string; limit: number; cursor?: string }): Promise<Page<StatementRecord>>;
  /**
   * Records that the relay passed on the event of this version; a later version's event (a signature
   * stored meanwhile) stays unrelayed until its own record passes.
   */
  markRelayed(id: string, version: number, at: string): Promise<void>;
}

/** A statement in a listing, with its number there (1 = the first added). */
export interface ListingEntry {
  seq: number;
  summary: StatementSummary;
}

/**
 * The site's listings (domain/listings.ts), kept in the table beside the statements: a statement is
 * numbered in each of its listings in the same atomic step that stores it (or, on DynamoDB, before its
 * commit point, shown once committed). Numbers are never reused; a listing may have gaps.
 */
export interface ListingRepository {
  /** The committed statements numbered from..to (inclusive), in order, shown or not (listings.ts isShownIn). */
  range(listing: string, from: number, to: number): Promise<ListingEntry[]>;
  /** The `limit` highest-numbered committed statements, newest first, and the highest number given out. */
  newest(listing: string, limit: number): Promise<{ entries: ListingEntry[]; size: number }>;
  /** The statement's number in each listing it is in. */
  placesOf(statementId: string): Promise<Map<string, number>>;
  /** The statements the listing shows (isShownIn) just before and after `seq`. */
  neighbours(listing: string, seq: number): Promise<{ before?: ListingEntry; after?: ListingEntry }>;
  /** Listings whose id starts with `prefix` ("party:", "" for all), with their sizes, in id order. */
  sizes(prefix: string): Promise<Array<{ listing: string; size: number }>>;
}

export type SendClaim = 'claimed' | 'pending' | 'sent';

export interface SubscriberRepository {
  /**
   * Stores the subscriber under its id at revision + 1, claims its address, and files it under its buckets
   * (subscriberBuckets: none once it is unsubscribed or unconfirmed). Only while the stored record is still
   * at `subscriber.revision` (none stored, or stored by a version without revisions, counts as 0):
   * StaleWriteError otherwise (read again: changeSubscriber). AddressTakenError when another subscriber
   * holds the address.
   */
  put(subscriber: Subscriber): Promise<void>;
  /** put() for each; the embedded table commits them together (an import's group commit). */
  putMany(subscribers: Subscriber[]): Promise<void>;
  get(id: string): Promise<Subscriber | undefined>;
  /** Those of these ids that exist (a send job's recipients), in no particular order. */
  getMany(ids: string[]): Promise<Subscriber[]>;
  /** The subscriber holding this address (compared lower-cased): ids are random, SES feedback has only addresses. */
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** One page of the subscribers filed under `bucket`, in id order: how a mailing finds its recipients. */
  inBucket(bucket: string, page: { limit: number; cursor?: string }): Promise<Page<Subscriber>>;
  /** One page of all subscribers, in id order (the CLI's listing). */
  list(page: { limit: number; cursor?: string }): Promise<Page<Subscriber>>;
  /** Forgets the subscriber, its address and its buckets; false when there was none. */
  remove(id: string): Promise<boolean>;
}

/** Fixed-window request counting, shared by every process of the platform. */
export interface RateLimiter {
  /** Counts one request for `key`; not allowed once the window already holds `limit` of them. */
  hit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

/**
 * The send ledger: at most one message per subscriber and ledger key (mailing.ts ledgerKeyOf). A claim is
 * a lease: a sender that dies or times out between claim and record leaves it to expire, and the next
 * attempt takes it over, so no message is left unsent for good. Entries expire after the retry window.
 */
export interface SendLedger {
  /**
   * Claims each subscriber for `leaseMs`: 'claimed' when free or when an earlier claim's lease ran out;
   * 'pending' while another live claim holds it; 'sent' once recorded.
   */
  claim(key: string, subscriberIds: string[], leaseMs: number): Promise<Map<string, SendClaim>>;
  markSent(key: string, subscriberIds: string[]): Promise<void>;
  /** Undoes claims whose send failed or did not happen, so that a retry may send at once. */
  release(key: string, subscriberIds: string[]): Promise<void>;
}

/** Mailings in progress (domain/mailing.ts): one walker at a time per mailing, by lease. */
export interface MailingRepository {
  /** Stores the mailing unless one with its id exists; false then. */
  create(mailing: Mailing): Promise<boolean>;
  get(id: string): Promise<Mailing | undefined>;
  /** Takes the walk's lease until `until` (epoch ms) unless another holder's lease is live; the mailing then. */
  acquire(id: string, holder: string, until: number): Promise<Mailing | undefined>;
  /** Stores the walk's progress and renews the lease, only while `holder` holds it; false otherwise. */
  advance(mailing: Mailing, holder: string, until: number): Promise<boolean>;
  release(id: string, holder: string): Promise<void>;
}

/** Where the planner leaves send jobs (and its own continuation): an SQS queue, a queue table locally. */
export interface EmailJobQueue {
  /** `delaySeconds` (at most 900, as SQS allows): the jobs become visible only then. */
  enqueue(jobs: EmailJob[], options?: { delaySeconds?: number }): Promise<void>;
}

export interface EmailCounts {
  sent: number;
  bounces: number;
  complaints: number;
}

/** Daily counters of what the platform mailed and what came back, for `email stats`. */
export interface EmailStats {
  add(day: string, counts: Partial<EmailCounts>): Promise<void>;
  /** The days from `fromDay` (YYYY-MM-DD) on, oldest first. */
  since(fromDay: string): Promise<Array<EmailCounts & { day: string }>>;
}

export interface OutgoingEmail {
  /** Stable per subscriber and statement version. */
  messageKey: string;
  from: string;
  to: string;
  raw: Uint8Array;
}

export interface Mailer {
  /** True when sending the same messageKey twice delivers once (files); false for SES. */
  readonly deliversIdempotently: boolean;
  /** ThrottledError when the provider still refuses after its retries: stop, and try again later. */
  send(message: OutgoingEmail): Promise<void>;
  /** For a mailer whose sends become durable together: what send() handed over is delivered once this resolves. */
  flush?(): Promise<void>;
}

/** Publishes an event to every consumer: the AWS relay's far side (SNS). Locally the relay moves outbox rows into the queue tables itself. */
export interface EventPublisher {
  publish(event: StatementEvent): Promise<void>;
}

// --- desk sessions (web desk, functions/api/desk) ---
/** A press officer's signed-in session at the web desk: the party and key it acts for, and its lifetime. */
export interface DeskSession {
  /** The SHA-256 of the session id the cookie carries: the id itself is never stored. */
  idHash: string;
  party: string;
  keyId: string;
  createdAt: string;
  /** The last request seen (updated at most once a minute): a session idle too long has ended. */
  lastSeenAt: string;
  /** The absolute end of the session, whatever its activity; the store may forget it after this. */
  expiresAt: string;
  revokedAt?: string;
}

/** Desk sessions: the session row in SQLite locally, an item with a TTL (expiresAt) in DynamoDB. */
export interface DeskSessions {
  /** Stores a new session (its idHash is new: 128 random bits). */
  create(session: DeskSession): Promise<void>;
  /** The session under this hash as stored, revoked or not; undefined when unknown or forgotten after its end. */
  get(idHash: string): Promise<DeskSession | undefined>;
  /** Records activity; nothing happens to a revoked or unknown session. */
  touch(idHash: string, at: string): Promise<void>;
  /** Ends the session (sign-out); false when there is none. Revoking twice keeps the first time. */
  revoke(idHash: string, at: string): Promise<boolean>;
  /** Ends every session signed in with this press key (the key was revoked); how many were live. */
  revokeAllForKey(keyId: string, at: string): Promise<number>;
}
// --- end desk sessions ---

// --- attachments (shared/services/attachments.ts, functions/api/attachments.ts) ---
/** A file a press office uploads to attach to its statements: pending until its content is checked. */
export interface AttachmentRecord {
  id: string;
  party: string;
  /** The file name as the office gave it. */
  filename: string;
  /** The name it is served under (safeAttachmentName). */
  name: string;
  contentType: AttachmentType;
  /** As declared while pending; the checked file's size once completed. */
  size: number;
  state: 'pending' | 'completed';
  /** Where the upload form puts the file in the blobs store. */
  uploadKey: string;
  uploadExpiresAt: string;
  createdAt: string;
  /** Once completed: its key in the site store (files/<id>/<name>). */
  sitePath?: string;
  completedAt?: string;
}

export interface AttachmentRepository {
  /** Stores a new pending attachment; false when the id is taken. */
  create(record: AttachmentRecord): Promise<boolean>;
  get(id: string): Promise<AttachmentRecord | undefined>;
  /** Stores the completed record only while the stored one is still pending; false otherwise. */
  complete(record: AttachmentRecord): Promise<boolean>;
}

/** What a form upload must satisfy, as storage (or the local upload route) holds it to. */
export interface UploadConditions {
  /** The attachment id: the local upload URL names it. */
  id: string;
  key: string;
  contentType: string;
  maxBytes: number;
  expiresAt: Date;
}

/** A browser form upload: POST multipart/form-data to `url` with `fields`, then the file as `file`. */
export interface UploadForm {
  url: string;
  fields: Record<string, string>;
}

/** Direct uploads into the blobs store: an S3 presigned POST on AWS, a signed form to POST /v1/uploads/… locally. */
export interface UploadTargets {
  prepare(conditions: UploadConditions): Promise<UploadForm>;
  /**
   * Only where the platform takes uploads itself (the embedded one): the conditions a form's fields were
   * signed with, undefined when they were not signed here or were changed. S3 checks its own forms.
   */
  verify?(fields: Record<string, string>): UploadConditions | undefined;
}
// --- end attachments ---

// --- scheduled statements (embargoes: services/scheduling.ts) ---
/**
 * Statements under embargo, kept apart from the statements table (nothing reads them but their office
 * and the timer). Every write is conditional: create on absence, replace and remove on the revision read.
 */
export interface ScheduledStatements {
  /** False when a record with this id exists already. */
  create(record: ScheduledStatement): Promise<boolean>;
  get(party: string, id: string): Promise<ScheduledStatement | undefined>;
  /** Stores `record` (its revision already raised) only while the stored one is at `expectedRevision`. */
  replace(record: ScheduledStatement, expectedRevision: number): Promise<boolean>;
  /** Removes the record only while it is at `revision`; false otherwise (or when gone). */
  remove(party: string, id: string, revision: number): Promise<boolean>;
  /** The party's scheduled statements in the order they were scheduled (by id). */
  listForParty(party: string, page: { limit: number; cursor?: string }): Promise<Page<ScheduledStatement>>;
  /** Records scheduled or being published (not failed) with publishAt at or before `until`, earliest first. */
  due(until: string, limit: number): Promise<ScheduledStatement[]>;
}

/**
 * Wakes a publisher at a scheduled statement's time: a one-time EventBridge Scheduler schedule on AWS; the
 * local worker's timer otherwise, which reads the table itself and is only woken early by this.
 */
export interface EmbargoTimer {
  /** Creates or moves the target's timer. */
  set(target: ScheduledTarget, publishAt: string): Promise<void>;
  /** Removes it; none is no error. */
  clear(target: ScheduledTarget): Promise<void>;
}
// --- end scheduled statements ---

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
