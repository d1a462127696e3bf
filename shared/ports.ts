// The ports: small interfaces the domain needs, each with an embedded (local) and an AWS adapter.
import type { StatementEvent } from './domain/events.js';
import type { Party } from './domain/party.js';
import type { PressKeyRecord } from './domain/press-key.js';
import type { StatementSummary } from './domain/statement.js';
import type { Subscriber } from './domain/subscriber.js';

/** Blobs and the site store: files under DATA_DIR locally, S3 buckets on AWS. */
export interface ObjectStore {
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
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

export interface StatementRepository {
  /** Records (party, key) -> statement id unless already there; returns whichever record holds. */
  reserveIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /**
   * The commit point of a submission: stores the listing row and, in the same atomic step, its event
   * in the outbox. False when a statement with this id already exists (nothing changes then).
   */
  create(summary: StatementSummary, event: StatementEvent): Promise<boolean>;
  get(id: string): Promise<StatementSummary | undefined>;
  /** Newest first. With a party: the statements it wrote or cosigned. */
  list(query: { party?: string; limit: number; cursor?: string }): Promise<Page<StatementSummary>>;
}

export type SendClaim = 'claimed' | 'pending' | 'sent';

export interface SubscriberRepository {
  put(subscriber: Subscriber): Promise<void>;
  get(id: string): Promise<Subscriber | undefined>;
  list(): Promise<Subscriber[]>;
}

/** The send ledger: at most one message per subscriber and statement version. */
export interface SendLedger {
  /** 'claimed' for the first caller; later callers learn whether the send finished. */
  claim(statementId: string, version: number, subscriberId: string): Promise<SendClaim>;
  markSent(statementId: string, version: number, subscriberId: string): Promise<void>;
  /** Undoes a claim whose send failed, so that a retry may send. */
  release(statementId: string, version: number, subscriberId: string): Promise<void>;
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
  send(message: OutgoingEmail): Promise<void>;
}

/** Publishes an event to every consumer: the AWS relay's far side (SNS). Locally the relay moves outbox rows into the queue tables itself. */
export interface EventPublisher {
  publish(event: StatementEvent): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
