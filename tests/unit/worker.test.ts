// The embedded worker: each queue in a loop of its own, several messages in flight per queue.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueues } from '../../shared/adapters/local/queues.js';
import { type Db, openDatabase } from '../../shared/adapters/local/sqlite.js';
import type { EventHandler } from '../../shared/consumers/handlers.js';
import { CONSUMERS, type ConsumerName } from '../../shared/domain/events.js';
import { startWorker, type Worker } from '../../shared/runtime/worker.js';
import { tempDir } from '../helpers/local-platform.js';

const eventBody = (n: number) =>
  JSON.stringify({ type: 'statement.published', statementId: `s${n}`, version: 1, party: 'kke', occurredAt: '2026-01-01T00:00:00Z' });

async function until(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

let db: Db;
let worker: Worker | undefined;
afterEach(async () => {
  await worker?.stop();
  db.close();
});

const settings = { visibilityTimeoutMs: 30_000, maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 20 };

describe('startWorker', () => {
  it('keeps up to the configured number of messages of one queue in flight at once', async () => {
    db = openDatabase(tempDir());
    const queues = new SqliteQueues(db, CONSUMERS, settings);
    for (let i = 0; i < 12; i++) queues.enqueue('index-search', eventBody(i));
    let inFlight = 0;
    let most = 0;
    let done = 0;
    const slow: EventHandler = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(30);
      inFlight--;
      done++;
    };
    const idle: EventHandler = async () => undefined;
    worker = startWorker(
      queues,
      { 'render-pages': idle, 'index-search': slow, 'send-emails': idle },
      { idleMs: 5, concurrency: { 'index-search': 4 } },
    );
    await until(() => done === 12);
    expect(most).toBe(4);
    await until(() => queues.depth('index-search') === 0);
  });

  it('does not hold pages back behind a slow email backlog', async () => {
    db = openDatabase(tempDir());
    const queues = new SqliteQueues(db, CONSUMERS, settings);
    for (let i = 0; i < 40; i++) queues.enqueue('send-emails', eventBody(i));
    const handled: Record<ConsumerName, string[]> = { 'render-pages': [], 'index-search': [], 'send-emails': [] };
    const record =
      (q: ConsumerName, ms: number): EventHandler =>
      async (e) => {
        await sleep(ms);
        handled[q].push(e.statementId);
      };
    worker = startWorker(
      queues,
      { 'render-pages': record('render-pages', 1), 'index-search': record('index-search', 1), 'send-emails': record('send-emails', 50) },
      { idleMs: 5, concurrency: { 'send-emails': 2 } },
    );
    await sleep(30);
    queues.enqueue('render-pages', eventBody(99));
    await until(() => handled['render-pages'].length === 1, 1_000);
    // The page was done while most of the email backlog was still waiting.
    expect(handled['send-emails'].length).toBeLessThan(10);
  });

  it('does not hand a message out again while it is still being handled past its visibility timeout', async () => {
    db = openDatabase(tempDir());
    // The heartbeat renews every third of the visibility timeout: a timer late by more than two thirds
    // of it (a loaded CI machine) would fail the test, so the timeout is not made too short.
    const queues = new SqliteQueues(db, CONSUMERS, { ...settings, visibilityTimeoutMs: 300 });
    queues.enqueue('send-emails', eventBody(1));
    let starts = 0;
    let done = false;
    const long: EventHandler = async () => {
      starts++;
      await sleep(1_200);
      done = true;
    };
    const idle: EventHandler = async () => undefined;
    worker = startWorker(queues, { 'render-pages': idle, 'index-search': idle, 'send-emails': long }, { idleMs: 5 });
    await until(() => done && queues.depth('send-emails') === 0);
    expect(starts).toBe(1);
  });

  it('retries a failed message and stops only after what is in flight', async () => {
    db = openDatabase(tempDir());
    const queues = new SqliteQueues(db, CONSUMERS, settings);
    queues.enqueue('render-pages', eventBody(1));
    let calls = 0;
    const flaky: EventHandler = async () => {
      calls++;
      if (calls === 1) throw new Error('first attempt fails');
    };
    const errors: string[] = [];
    const idle: EventHandler = async () => undefined;
    worker = startWorker(
      queues,
      { 'render-pages': flaky, 'index-search': idle, 'send-emails': idle },
      {
        idleMs: 5,
        onError: (q, e) => errors.push(`${q}: ${(e as Error).message}`),
      },
    );
    await until(() => calls === 2 && queues.depth('render-pages') === 0);
    expect(errors).toEqual(['render-pages: first attempt fails']);
    await worker.stop();
    worker = undefined;
  });

  it('hands a backlog to a batch handler several messages at a time, and acknowledges them all', async () => {
    db = openDatabase(tempDir());
    const queues = new SqliteQueues(db, CONSUMERS, settings);
    for (let i = 0; i < 30; i++) queues.enqueue('render-pages', eventBody(i));
    const batches: string[][] = [];
    const single: string[] = [];
    const idle: EventHandler = async () => undefined;
    worker = startWorker(
      queues,
      { 'render-pages': async (e) => void single.push(e.statementId), 'index-search': idle, 'send-emails': idle },
      {
        idleMs: 5,
        concurrency: { 'render-pages': 2 },
        batches: { 'render-pages': { size: 10, handler: async (events) => void batches.push(events.map((e) => e.statementId)) } },
      },
    );
    await until(() => queues.depth('render-pages') === 0 && batches.flat().length + single.length === 30);
    expect(Math.max(...batches.map((b) => b.length))).toBe(10);
    expect([...batches.flat(), ...single].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `s${i}`).sort());
  });

  it('handles a failed batch by halves, so only the bad message fails and the rest go through in batches', async () => {
    db = openDatabase(tempDir());
    const queues = new SqliteQueues(db, CONSUMERS, { ...settings, maxAttempts: 1 });
    for (let i = 0; i < 6; i++) queues.enqueue('render-pages', eventBody(i));
    const done: string[] = [];
    const alone: string[] = [];
    const idle: EventHandler = async () => undefined;
    const bad = (id: string) => id === 's3';
    worker = startWorker(
      queues,
      {
        'render-pages': async (e) => {
          alone.push(e.statementId);
          if (bad(e.statementId)) throw new Error('cannot render s3');
          done.push(e.statementId);
        },
        'index-search': idle,
        'send-emails': idle,
      },
      {
        idleMs: 5,
        concurrency: { 'render-pages': 1 },
        batches: {
          'render-pages': {
            size: 6,
            handler: async (events) => {
              if (events.some((e) => bad(e.statementId))) throw new Error('a batch with s3');
              done.push(...events.map((e) => e.statementId));
            },
          },
        },
      },
    );
    await until(() => queues.depth('render-pages') === 0 && queues.deadLetters('render-pages').length === 1);
    expect(done.sort()).toEqual(['s0', 's1', 's2', 's4', 's5']);
    expect(queues.deadLetters('render-pages').map((d) => JSON.parse(d.body).statementId)).toEqual(['s3']);
    // s0-s5 failed; s0-s2 went through as a batch; s3-s5 failed, then s3-s4, so s3, s4 and s5 went alone.
    expect(alone).toEqual(['s3', 's4', 's5']);
  });
});
