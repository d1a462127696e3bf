// The ports: small interfaces the domain needs, each with an embedded (local) and an AWS adapter.
import type { StatementEvent } from './domain/events.js';
import type { EmailJob, Mailing } from './domain/mailing.js';
import type { Party } from './domain/party.js';
import type { PressKeyRecord } from './domain/press-key.js';
import type { StatementSummary } from './domain/statement.js';
import type { Subscriber } from './domain/subscriber.js';

/** A write that applies only if the object is still as the writer read it (S3 If-Match / If-None-Match). */
export type PutCondition = { ifMatch: string } | { ifNoneMatch: '*' };

/** An object with the entity tag that a conditional put names. */
export interface VersionedObject {
  body: Uint8Array;
  etag: string;
}

/** Blobs and the site store: files under DATA_DIR locally, S3 buckets on AWS. */
export interface ObjectStore {
  /** With a condition, throws PreconditionFailedError when the object changed since it was read. */
  put(key: string, body: string | Uint8Array, contentType: string, condition?: PutCondition): Promise<void>;
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
  put(record: PressKeyRecord): Promise<void>;
  get(keyId: string): Promise<PressKeyRecord | undefined>;
  /** False when there is no such key. Revoking twice keeps the first time. */
  revoke(keyId: string, at: string): Promise<boolean>;
  listForParty(party: string): Promise<PressKeyRecord[]>;
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
  /** The committed statements numbered from..to (inclusive), in order. */
  range(listing: string, from: number, to: number): Promise<ListingEntry[]>;
  /** The `limit` highest-numbered committed statements, newest first, and the highest number given out. */
  newest(listing: string, limit: number): Promise<{ entries: ListingEntry[]; size: number }>;
  /** The statement's number in each listing it is in. */
  placesOf(statementId: string): Promise<Map<string, number>>;
  /** The committed statements just before and after `seq` in the listing. */
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

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
