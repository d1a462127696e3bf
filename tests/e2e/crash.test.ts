// Crash safety: SIGKILL the platform while its consumers are mid-batch, restart it, and every
// acknowledged statement is there with every effect (page, search entry, emails), each exactly once.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_SETTINGS } from '../../shared/adapters/local/queues.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import { localDeps } from '../../shared/runtime/local.js';
import { searchSite } from '../../shared/search/store-search.js';
import { aStatementInput, partiesAddArgs } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';
import { issueKey, type RunningPlatform, runCli, startPlatform, waitFor } from '../helpers/platform-process.js';

const dataDir = tempDir();
const fanOutDir = tempDir();
let platform: RunningPlatform | undefined;
const ENV = { DEMO_DATA: 'off', QUEUE_VISIBILITY_MS: '3000' };
const STATEMENTS = 60;
const SUBSCRIBERS = 3;

afterAll(async () => {
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(fanOutDir, { recursive: true, force: true });
});

const emails = (dir = path.join(dataDir, 'outbox')) => {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
};

describe('kill -9 mid-batch', () => {
  it('loses no acknowledged statement and repeats no effect', async () => {
    expect((await runCli(dataDir, partiesAddArgs())).code).toBe(0);
    for (let i = 0; i < SUBSCRIBERS; i++)
      expect((await runCli(dataDir, ['subscribers', 'add', '--email', `r${i}@example.org`])).code).toBe(0);
    const key = await issueKey(dataDir, 'kke');
    platform = await startPlatform(dataDir, ENV);

    const acknowledged: string[] = [];
    const submitOne = async (i: number) => {
      const res = await fetch(`${platform?.url}/v1/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `crash-${i}` },
        body: JSON.stringify(aStatementInput({ title: `Crash test ${i}`, body: `crashword${i} body` })),
      });
      if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
    };
    for (let i = 0; i < STATEMENTS; i += 6) await Promise.all([0, 1, 2, 3, 4, 5].map((j) => submitOne(i + j)));
    expect(acknowledged).toHaveLength(STATEMENTS);

    // Kill while some, but not all, emails are written: the consumers are mid-work.
    await waitFor('the first emails', async () => emails().length > 0, 10_000);
    await platform.kill();
    const atKill = emails().length;
    expect(atKill).toBeLessThan(STATEMENTS * SUBSCRIBERS);

    platform = await startPlatform(dataDir, ENV);
    await waitFor('every email', async () => emails().length === STATEMENTS * SUBSCRIBERS, 60_000);
    for (const id of acknowledged) {
      expect((await fetch(`${platform.url}/v1/statements/${id}`)).status).toBe(200);
      await waitFor(`page of ${id}`, async () => (await fetch(`${platform?.url}/statements/${id}/`)).ok, 20_000);
      await waitFor(`search entry of ${id}`, async () => (await searchSite(platform?.url as string, '')).includes(id), 20_000);
    }
    await waitFor(
      'empty queues',
      async () => {
        const db = new Database(path.join(dataDir, 'communique.db'), { readonly: true });
        try {
          return (
            (db.prepare('SELECT (SELECT count(*) FROM queue_messages) + (SELECT count(*) FROM outbox) AS n').get() as { n: number }).n === 0
          );
        } finally {
          db.close();
        }
      },
      20_000,
    );
    const db = new Database(path.join(dataDir, 'communique.db'), { readonly: true });
    const counts = db
      .prepare(
        "SELECT (SELECT count(*) FROM statements) AS statements, (SELECT count(*) FROM mail_ledger WHERE status = 'sent') AS sent, (SELECT count(*) FROM dead_letters) AS dead",
      )
      .get();
    db.close();
    expect(counts).toEqual({ statements: STATEMENTS, sent: STATEMENTS * SUBSCRIBERS, dead: 0 });
    expect(emails()).toHaveLength(STATEMENTS * SUBSCRIBERS);
    const index = (await (await fetch(`${platform.url}/`)).text()).match(/Crash test \d+/g) ?? [];
    expect(new Set(index).size).toBe(index.length);
  });
});

describe('kill -9 in the middle of a 5,000-recipient fan-out', () => {
  const RECIPIENTS = 5_000;
  it('ends with every recipient mailed exactly once', async () => {
    // The test before left its restarted platform running: stop it, or it would run on after the suite.
    await platform?.stop();
    expect((await runCli(fanOutDir, partiesAddArgs())).code).toBe(0);
    const key = await issueKey(fanOutDir, 'kke');
    const setup = localDeps({
      dataDir: fanOutDir,
      siteUrl: 'http://localhost',
      MAIL_FROM: 'crash@localhost',
      queue: DEFAULT_QUEUE_SETTINGS,
    });
    const readers = Array.from({ length: RECIPIENTS }, (_, i) =>
      newSubscriber({ email: `reader${i}@example.org` }, new Date('2026-01-01')),
    );
    for (let i = 0; i < RECIPIENTS; i += 1_000) await setup.subscribers.putMany(readers.slice(i, i + 1_000));
    setup.db.close();
    const outbox = path.join(fanOutDir, 'outbox');
    platform = await startPlatform(fanOutDir, ENV);
    const res = await fetch(`${platform.url}/v1/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(aStatementInput({ title: 'To five thousand readers' })),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await waitFor('the fan-out under way', async () => emails(outbox).length > 0, 20_000);
    await platform.kill();
    const atKill = emails(outbox).length;
    expect(atKill).toBeLessThan(RECIPIENTS);

    platform = await startPlatform(fanOutDir, ENV);
    await waitFor('every recipient mailed', async () => emails(outbox).length >= RECIPIENTS, 90_000);
    const db = new Database(path.join(fanOutDir, 'communique.db'), { readonly: true });
    await waitFor(
      'the ledger complete and the queue empty',
      async () =>
        (
          db
            .prepare(
              "SELECT (SELECT count(*) FROM mail_ledger WHERE status = 'sent') = ? AND (SELECT count(*) FROM queue_messages) = 0 AS done",
            )
            .get(RECIPIENTS) as { done: number }
        ).done === 1,
      30_000,
    );
    const dead = (db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n;
    db.close();
    expect(dead).toBe(0);
    // One message per recipient: each file is named by the statement and the recipient, and holds that address.
    const files = emails(outbox);
    expect(files).toHaveLength(RECIPIENTS);
    expect(
      new Set(
        files.map((f) =>
          f
            .replace(/\.eml$/, '')
            .split('-')
            .at(-1),
        ),
      ),
    ).toEqual(new Set(readers.map((r) => r.id)));
    expect(files.every((f) => f.startsWith(`${id}-1-`))).toBe(true);
    const sample = fs.readFileSync(path.join(outbox, files[123] as string), 'utf8');
    const owner = readers.find((r) => files[123]?.endsWith(`-${r.id}.eml`));
    expect(sample).toContain(`To: ${owner?.email}`);
  }, 150_000);
});
