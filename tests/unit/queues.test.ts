// The embedded queues: relay, visibility timeout, retries with backoff, dead letters, redrive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStatementRepository } from '../../shared/adapters/local/catalog.js';
import { SqliteQueues } from '../../shared/adapters/local/queues.js';
import { type Db, openDatabase } from '../../shared/adapters/local/sqlite.js';
import { tempDir } from '../helpers/local-platform.js';

let db: Db;
let now = 1_000_000;
let queues: SqliteQueues;
const settings = { visibilityTimeoutMs: 1000, maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 150 };
const event = { type: 'statement.published', statementId: 's1', version: 1, party: 'kke', occurredAt: '2026-01-01T00:00:00Z' } as const;

beforeEach(() => {
  db = openDatabase(tempDir());
  queues = new SqliteQueues(db, ['render-pages', 'send-emails'], settings, () => now);
});
afterEach(() => db.close());

describe('SqliteQueues', () => {
  it('relays each outbox event to every consumer queue once', async () => {
    const summary = {
      id: 's1',
      version: 1,
      party: 'kke',
      cosigners: [],
      language: 'el',
      dir: 'ltr',
      title: 't',
      summary: '',
      topics: [],
      publishedAt: event.occurredAt,
      createdAt: event.occurredAt,
    } as const;
    await new SqliteStatementRepository(db).create(
      { ...summary, cosigners: [], invited: [], signatures: [], topics: [], countries: [] },
      event,
    );
    expect(queues.relayOutbox()).toBe(1);
    expect(queues.relayOutbox()).toBe(0);
    expect(queues.depth('render-pages')).toBe(1);
    expect(queues.depth('send-emails')).toBe(1);
  });

  it('hides a received message until its visibility timeout passes', () => {
    queues.enqueue('render-pages', JSON.stringify(event));
    expect(queues.receive('render-pages', 10)).toHaveLength(1);
    expect(queues.receive('render-pages', 10)).toHaveLength(0);
    now += 1001;
    const again = queues.receive('render-pages', 10);
    expect(again[0]?.attempts).toBe(2);
    queues.acknowledge(again[0]?.id as number);
    now += 5000;
    expect(queues.receive('render-pages', 10)).toHaveLength(0);
  });

  it('retries a failed message after a growing, capped backoff, then dead-letters it', () => {
    queues.enqueue('send-emails', JSON.stringify(event));
    const m1 = queues.receive('send-emails', 1)[0];
    queues.fail(m1 as never, new Error('SES throttled'));
    now += 99;
    expect(queues.receive('send-emails', 1)).toHaveLength(0);
    now += 1;
    const m2 = queues.receive('send-emails', 1)[0];
    queues.fail(m2 as never, new Error('SES throttled'));
    now += 150;
    const m3 = queues.receive('send-emails', 1)[0];
    expect(m3?.attempts).toBe(3);
    queues.fail(m3 as never, new Error('SES throttled'));
    expect(queues.depth('send-emails')).toBe(0);
    const dead = queues.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queue: 'send-emails', attempts: 3, lastError: 'Error: SES throttled' });
  });

  it('redrives dead letters with fresh attempts', () => {
    queues.enqueue('send-emails', JSON.stringify(event));
    for (let i = 0; i < 3; i++) {
      const m = queues.receive('send-emails', 1)[0];
      queues.fail(m as never, new Error('boom'));
      now += 1000;
    }
    expect(queues.redrive('send-emails')).toBe(1);
    expect(queues.deadLetters()).toHaveLength(0);
    expect(queues.receive('send-emails', 1)[0]?.attempts).toBe(1);
  });

  it('releases what a dead process held when the platform restarts', () => {
    queues.enqueue('render-pages', JSON.stringify(event));
    queues.receive('render-pages', 1);
    expect(queues.releaseInFlight()).toBe(1);
    expect(queues.receive('render-pages', 1)).toHaveLength(1);
  });
});
