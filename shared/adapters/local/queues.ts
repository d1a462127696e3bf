// Durable queues in SQLite: the outbox relay, visibility timeouts, retries with backoff and dead letters.

import type Database from 'better-sqlite3';
import type { ConsumerName } from '../../domain/events.js';
import { sql } from './prepared.js';
import type { Db } from './sqlite.js';

export interface QueueSettings {
  visibilityTimeoutMs: number;
  maxAttempts: number;
  /** Backoff after the n-th failed attempt: base * 2^(n-1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  visibilityTimeoutMs: 30_000,
  maxAttempts: 5,
  backoffBaseMs: 500,
  backoffMaxMs: 60_000,
};

export interface QueueMessage {
  id: number;
  queue: string;
  body: string;
  attempts: number;
}

export interface DeadLetter extends QueueMessage {
  lastError: string | null;
  deadAt: string;
}

export class SqliteQueues {
  /** The statements a busy queue runs for every message, prepared once. */
  private sql(text: string): Database.Statement {
    return sql(this.db, text);
  }

  constructor(
    private readonly db: Db,
    readonly consumers: readonly ConsumerName[],
    readonly settings: QueueSettings = DEFAULT_QUEUE_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Moves every outbox event into each consumer's queue, in one transaction. Returns how many events moved. */
  relayOutbox(): number {
    return this.db
      .transaction(() => {
        const events = this.sql('SELECT seq, event FROM outbox ORDER BY seq LIMIT 500').all() as Array<{
          seq: number;
          event: string;
        }>;
        const enqueue = this.sql('INSERT INTO queue_messages (queue, body, visible_at, created_at) VALUES (?, ?, ?, ?)');
        const at = this.now();
        // Marks the statement relayed only for the version whose event this is (not a later signature's).
        const relayed = this.sql(
          "UPDATE statement_events SET relayed_at = ? WHERE statement_id = ? AND relayed_at IS NULL AND json_extract(event, '$.version') = ?",
        );
        for (const e of events) {
          for (const q of this.consumers) enqueue.run(q, e.event, at, new Date(at).toISOString());
          const { statementId, version } = JSON.parse(e.event) as { statementId: string; version: number };
          relayed.run(new Date(at).toISOString(), statementId, version);
        }
        if (events.length) this.sql('DELETE FROM outbox WHERE seq <= ?').run(events.at(-1)?.seq);
        return events.length;
      })
      .immediate();
  }

  enqueue(queue: string, body: string): void {
    const at = this.now();
    this.sql('INSERT INTO queue_messages (queue, body, visible_at, created_at) VALUES (?, ?, ?, ?)').run(
      queue,
      body,
      at,
      new Date(at).toISOString(),
    );
  }

  /** Adds these messages to one queue in one transaction. */
  enqueueMany(queue: string, bodies: string[], delayMs = 0): void {
    const at = this.now() + delayMs;
    const insert = this.sql('INSERT INTO queue_messages (queue, body, visible_at, created_at) VALUES (?, ?, ?, ?)');
    this.db
      .transaction(() => {
        for (const body of bodies) insert.run(queue, body, at, new Date(at).toISOString());
      })
      .immediate();
  }

  /** Claims up to `max` visible messages: they stay invisible for the visibility timeout unless acknowledged. */
  receive(queue: string, max: number): QueueMessage[] {
    const at = this.now();
    return this.sql(
      `UPDATE queue_messages SET attempts = attempts + 1, visible_at = ?
         WHERE id IN (SELECT id FROM queue_messages WHERE queue = ? AND visible_at <= ? ORDER BY id LIMIT ?)
         RETURNING id, queue, body, attempts`,
    ).all(at + this.settings.visibilityTimeoutMs, queue, at, max) as QueueMessage[];
  }

  /** Keeps a message that is still being handled invisible for another visibility timeout (a heartbeat). */
  extendVisibility(id: number): void {
    this.sql('UPDATE queue_messages SET visible_at = ? WHERE id = ?').run(this.now() + this.settings.visibilityTimeoutMs, id);
  }

  acknowledge(id: number): void {
    this.sql('DELETE FROM queue_messages WHERE id = ?').run(id);
  }

  /** Schedules a retry with backoff, or dead-letters the message after the last attempt. */
  fail(message: QueueMessage, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.db.transaction(() => {
      if (message.attempts >= this.settings.maxAttempts) {
        this.sql(
          `INSERT INTO dead_letters (id, queue, body, attempts, last_error, created_at, dead_at)
             SELECT id, queue, body, attempts, ?, created_at, ? FROM queue_messages WHERE id = ?`,
        ).run(text, new Date(this.now()).toISOString(), message.id);
        this.sql('DELETE FROM queue_messages WHERE id = ?').run(message.id);
      } else {
        const delay = Math.min(this.settings.backoffBaseMs * 2 ** (message.attempts - 1), this.settings.backoffMaxMs);
        this.sql('UPDATE queue_messages SET visible_at = ?, last_error = ? WHERE id = ?').run(this.now() + delay, text, message.id);
      }
    })();
  }

  /** After a restart nothing is mid-flight any more: make what the dead process held visible again. */
  releaseInFlight(): number {
    return this.sql('UPDATE queue_messages SET visible_at = ? WHERE visible_at > ?').run(this.now(), this.now()).changes;
  }

  deadLetters(queue?: string): DeadLetter[] {
    const rows = this.sql(
      `SELECT id, queue, body, attempts, last_error, dead_at FROM dead_letters ${queue ? 'WHERE queue = ?' : ''} ORDER BY id`,
    ).all(...(queue ? [queue] : [])) as Array<QueueMessage & { last_error: string | null; dead_at: string }>;
    return rows.map(({ last_error, dead_at, ...m }) => ({ ...m, lastError: last_error, deadAt: dead_at }));
  }

  /** Puts dead letters back on their queue with fresh attempts. Returns how many. */
  redrive(queue?: string): number {
    return this.db.transaction(() => {
      const dead = this.deadLetters(queue);
      const insert = this.sql('INSERT INTO queue_messages (queue, body, visible_at, created_at) VALUES (?, ?, ?, ?)');
      for (const d of dead) insert.run(d.queue, d.body, this.now(), new Date(this.now()).toISOString());
      this.sql(`DELETE FROM dead_letters ${queue ? 'WHERE queue = ?' : ''}`).run(...(queue ? [queue] : []));
      return dead.length;
    })();
  }

  depth(queue: string): number {
    return (this.sql('SELECT count(*) AS n FROM queue_messages WHERE queue = ?').get(queue) as { n: number }).n;
  }

  /** Everything not yet handled: outbox events plus messages on every queue (dead letters excluded). */
  backlog(): number {
    return this.outboxDepth() + (this.sql('SELECT count(*) AS n FROM queue_messages').get() as { n: number }).n;
  }

  /** A cheap read: whether relayOutbox has anything to do (it takes the write lock). */
  hasOutboxEvents(): boolean {
    return this.sql('SELECT 1 FROM outbox LIMIT 1').get() !== undefined;
  }

  outboxDepth(): number {
    return (this.sql('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }
}
