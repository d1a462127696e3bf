// Email on SQLite: subscribers filed under their buckets, the send ledger's leases, mailings, daily counts, and the job queue.
import { type EmailJob, isNotice, type Mailing } from '../../domain/mailing.js';
import { expiresAfterDays, SEND_LEDGER_DAYS } from '../../domain/retention.js';
import { normaliseSubscriber, type Subscriber, subscriberBuckets } from '../../domain/subscriber.js';
import { AddressTakenError, StaleWriteError } from '../../errors.js';
import type {
  EmailCounts,
  EmailJobQueue,
  EmailStats,
  MailingRepository,
  Page,
  SendClaim,
  SendLedger,
  SubscriberRepository,
} from '../../ports.js';
import { decodeIdCursor, encodeIdCursor, pageOf } from '../cursor.js';
import { sql } from './prepared.js';
import type { SqliteQueues } from './queues.js';
import type { Db } from './sqlite.js';

export const EMAIL_SCHEMA = `
CREATE TABLE IF NOT EXISTS subscribers (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS subscribers_email ON subscribers(json_extract(json, '$.email'));
CREATE TABLE IF NOT EXISTS subscriber_buckets (
  bucket TEXT NOT NULL, subscriber_id TEXT NOT NULL, PRIMARY KEY (bucket, subscriber_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subscriber_buckets_subscriber ON subscriber_buckets(subscriber_id);
CREATE TABLE IF NOT EXISTS mail_ledger (
  mail_key TEXT NOT NULL, subscriber_id TEXT NOT NULL, status TEXT NOT NULL,
  lease_until INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (mail_key, subscriber_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mail_ledger_expiry ON mail_ledger(expires_at);
CREATE TABLE IF NOT EXISTS mailings (
  id TEXT PRIMARY KEY, json TEXT NOT NULL, lease_holder TEXT, lease_until INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS email_stats (
  day TEXT PRIMARY KEY, sent INTEGER NOT NULL DEFAULT 0, bounces INTEGER NOT NULL DEFAULT 0, complaints INTEGER NOT NULL DEFAULT 0);
`;

/** The local queues of email jobs (runtime/worker.ts runs them beside the consumers): mailings, and notices apart. */
export const EMAIL_JOBS_QUEUE = 'email-jobs';
export const EMAIL_NOTICES_QUEUE = 'email-notices';

type JsonRow = { json: string };

const subscriberOf = (r: JsonRow) => normaliseSubscriber(JSON.parse(r.json));

function pageById<T>(rows: T[], limit: number, idOf: (t: T) => string): Page<T> {
  return pageOf(
    rows,
    limit,
    (last) => encodeIdCursor(idOf(last)),
    (row) => row,
  );
}

/** Files a subscriber under its buckets, replacing what it was filed under (inside the caller's transaction). */
export function fileSubscriber(db: Db, s: Subscriber): void {
  sql(db, 'DELETE FROM subscriber_buckets WHERE subscriber_id = ?').run(s.id);
  const file = sql(db, 'INSERT OR IGNORE INTO subscriber_buckets (bucket, subscriber_id) VALUES (?, ?)');
  for (const bucket of subscriberBuckets(s)) file.run(bucket, s.id);
}

/** Subscribers as JSON rows; a unique index on the stored address gives each address one subscriber. */
export class SqliteSubscriberRepository implements SubscriberRepository {
  constructor(private readonly db: Db) {}

  private write(s: Subscriber): void {
    const expected = s.revision ?? 0;
    const stored = { ...s, revision: expected + 1 };
    let changes: number;
    try {
      changes =
        expected === 0
          ? sql(
              this.db,
              `INSERT INTO subscribers (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json
               WHERE COALESCE(json_extract(subscribers.json, '$.revision'), 0) = 0`,
            ).run(s.id, JSON.stringify(stored)).changes
          : sql(this.db, "UPDATE subscribers SET json = ? WHERE id = ? AND json_extract(json, '$.revision') = ?").run(
              JSON.stringify(stored),
              s.id,
              expected,
            ).changes;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
      throw new AddressTakenError(`another subscriber holds the address of ${s.id}`);
    }
    if (changes === 0) throw new StaleWriteError(`subscriber ${s.id} changed since it was read (revision ${expected})`);
    fileSubscriber(this.db, stored);
  }
  async put(s: Subscriber) {
    this.db.transaction(() => this.write(s)).immediate();
  }
  async putMany(subscribers: Subscriber[]) {
    this.db
      .transaction(() => {
        for (const s of subscribers) this.write(s);
      })
      .immediate();
  }
  async get(id: string) {
    const row = sql(this.db, 'SELECT json FROM subscribers WHERE id = ?').get(id) as JsonRow | undefined;
    return row ? subscriberOf(row) : undefined;
  }
  async getMany(ids: string[]) {
    if (ids.length === 0) return [];
    const rows = sql(this.db, 'SELECT json FROM subscribers WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(ids),
    ) as JsonRow[];
    return rows.map(subscriberOf);
  }
  async findByEmail(email: string) {
    const row = sql(this.db, "SELECT json FROM subscribers WHERE json_extract(json, '$.email') = ?").get(email.toLowerCase()) as
      | JsonRow
      | undefined;
    return row ? subscriberOf(row) : undefined;
  }
  async inBucket(bucket: string, q: { limit: number; cursor?: string }) {
    const rows = sql(
      this.db,
      `SELECT s.json FROM subscriber_buckets b JOIN subscribers s ON s.id = b.subscriber_id
         WHERE b.bucket = ? AND b.subscriber_id > ? ORDER BY b.subscriber_id LIMIT ?`,
    ).all(bucket, q.cursor ? decodeIdCursor(q.cursor) : '', q.limit + 1) as JsonRow[];
    return pageById(rows.map(subscriberOf), q.limit, (s) => s.id);
  }
  async list(q: { limit: number; cursor?: string }) {
    const rows = sql(this.db, 'SELECT json FROM subscribers WHERE id > ? ORDER BY id LIMIT ?').all(
      q.cursor ? decodeIdCursor(q.cursor) : '',
      q.limit + 1,
    ) as JsonRow[];
    return pageById(rows.map(subscriberOf), q.limit, (s) => s.id);
  }
  async remove(id: string) {
    return this.db
      .transaction(() => {
        sql(this.db, 'DELETE FROM subscriber_buckets WHERE subscriber_id = ?').run(id);
        return sql(this.db, 'DELETE FROM subscribers WHERE id = ?').run(id).changes > 0;
      })
      .immediate();
  }
}

export class SqliteSendLedger implements SendLedger {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** One transaction for the lot: a claim is an insert, or a takeover of a pending row whose lease ran out. */
  async claim(key: string, subscriberIds: string[], leaseMs: number) {
    const now = this.now();
    const expires = expiresAfterDays(SEND_LEDGER_DAYS, now);
    const take = sql(
      this.db,
      `INSERT INTO mail_ledger (mail_key, subscriber_id, status, lease_until, expires_at) VALUES (?, ?, 'pending', ?, ?)
       ON CONFLICT DO UPDATE SET lease_until = excluded.lease_until
       WHERE status = 'pending' AND lease_until <= ?`,
    );
    const statusOf = sql(this.db, 'SELECT status FROM mail_ledger WHERE mail_key = ? AND subscriber_id = ?');
    return this.db
      .transaction(() => {
        const claims = new Map<string, SendClaim>();
        for (const id of subscriberIds) {
          if (take.run(key, id, now + leaseMs, expires, now).changes === 1) claims.set(id, 'claimed');
          else claims.set(id, (statusOf.get(key, id) as { status: 'pending' | 'sent' }).status);
        }
        return claims;
      })
      .immediate();
  }
  async markSent(key: string, subscriberIds: string[]) {
    const mark = sql(this.db, "UPDATE mail_ledger SET status = 'sent' WHERE mail_key = ? AND subscriber_id = ?");
    this.db
      .transaction(() => {
        for (const id of subscriberIds) mark.run(key, id);
      })
      .immediate();
  }
  async release(key: string, subscriberIds: string[]) {
    const drop = sql(this.db, "DELETE FROM mail_ledger WHERE mail_key = ? AND subscriber_id = ? AND status = 'pending'");
    this.db
      .transaction(() => {
        for (const id of subscriberIds) drop.run(key, id);
      })
      .immediate();
  }
  /** Forgets entries past the retry window (DynamoDB's TTL does this on AWS). Returns how many. */
  prune(): number {
    return sql(this.db, 'DELETE FROM mail_ledger WHERE expires_at < ?').run(Math.floor(this.now() / 1000)).changes;
  }
}

type MailingRow = { json: string; lease_holder: string | null; lease_until: number };

export class SqliteMailingRepository implements MailingRepository {
  constructor(private readonly db: Db) {}
  async create(m: Mailing) {
    const r = sql(this.db, 'INSERT INTO mailings (id, json, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
      m.id,
      JSON.stringify(m),
      expiresAfterDays(SEND_LEDGER_DAYS),
    );
    return r.changes === 1;
  }
  async get(id: string) {
    const row = sql(this.db, 'SELECT json FROM mailings WHERE id = ?').get(id) as MailingRow | undefined;
    return row ? (JSON.parse(row.json) as Mailing) : undefined;
  }
  async acquire(id: string, holder: string, until: number) {
    const row = sql(
      this.db,
      `UPDATE mailings SET lease_holder = ?, lease_until = ?
         WHERE id = ? AND (lease_holder IS NULL OR lease_holder = ? OR lease_until <= ?) RETURNING json`,
    ).get(holder, until, id, holder, Date.now()) as MailingRow | undefined;
    return row ? (JSON.parse(row.json) as Mailing) : undefined;
  }
  async advance(m: Mailing, holder: string, until: number) {
    const r = sql(this.db, 'UPDATE mailings SET json = ?, lease_until = ? WHERE id = ? AND lease_holder = ?').run(
      JSON.stringify(m),
      until,
      m.id,
      holder,
    );
    return r.changes === 1;
  }
  async release(id: string, holder: string) {
    sql(this.db, 'UPDATE mailings SET lease_holder = NULL, lease_until = 0 WHERE id = ? AND lease_holder = ?').run(id, holder);
  }
  /** Forgets mailings past the retry window (DynamoDB's TTL does this on AWS). Returns how many. */
  prune(): number {
    return sql(this.db, 'DELETE FROM mailings WHERE expires_at < ?').run(Math.floor(Date.now() / 1000)).changes;
  }
  /** After a restart no walker of this (only) process is alive: every lease is free at once. */
  releaseAll(): number {
    return sql(this.db, 'UPDATE mailings SET lease_holder = NULL, lease_until = 0 WHERE lease_holder IS NOT NULL').run().changes;
  }
}

export class SqliteEmailStats implements EmailStats {
  constructor(private readonly db: Db) {}
  async add(day: string, c: Partial<EmailCounts>) {
    sql(
      this.db,
      `INSERT INTO email_stats (day, sent, bounces, complaints) VALUES (?, ?, ?, ?)
         ON CONFLICT(day) DO UPDATE SET sent = sent + excluded.sent, bounces = bounces + excluded.bounces,
           complaints = complaints + excluded.complaints`,
    ).run(day, c.sent ?? 0, c.bounces ?? 0, c.complaints ?? 0);
  }
  async since(fromDay: string) {
    return sql(this.db, 'SELECT day, sent, bounces, complaints FROM email_stats WHERE day >= ? ORDER BY day').all(fromDay) as Array<
      EmailCounts & { day: string }
    >;
  }
}

/** Send jobs as messages of the local queue table, enqueued together in one transaction. */
export class SqliteEmailJobQueue implements EmailJobQueue {
  constructor(private readonly queues: SqliteQueues) {}
  async enqueue(jobs: EmailJob[], options: { delaySeconds?: number } = {}) {
    const delayMs = (options.delaySeconds ?? 0) * 1000;
    for (const [queue, some] of [
      [EMAIL_NOTICES_QUEUE, jobs.filter(isNotice)],
      [EMAIL_JOBS_QUEUE, jobs.filter((j) => !isNotice(j))],
    ] as const) {
      if (some.length)
        this.queues.enqueueMany(
          queue,
          some.map((j) => JSON.stringify(j)),
          delayMs,
        );
    }
  }
}
