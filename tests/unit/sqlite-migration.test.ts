// Data dirs written by earlier versions: opening one numbers every statement in each of its listings (in
// publication order, once), files its subscribers under the buckets mailings read, and gives press keys
// names and a last use, and lists each party the invitations that await its signature.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlitePressKeyRepository, SqliteStatementRepository } from '../../shared/adapters/local/catalog.js';
import { openDatabase } from '../../shared/adapters/local/sqlite.js';
import { SqliteSendLedger, SqliteSubscriberRepository } from '../../shared/adapters/local/sqlite-email.js';
import { SqliteListingRepository } from '../../shared/adapters/local/sqlite-listings.js';
import { issuePressKey, keyName, parsePressKey, secretMatches } from '../../shared/domain/press-key.js';
import { aStatementSummary, publishedEvent } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('opening a data dir of the version before listings', () => {
  it('numbers its statements in publication order, and does so once', async () => {
    const db = openDatabase(dir);
    const statements = new SqliteStatementRepository(db);
    // Stored in another order than published.
    for (const [id, at] of [
      ['b', '2021-01-01T00:00:00.000Z'],
      ['a', '2020-01-01T00:00:00.000Z'],
      ['c', '2022-01-01T00:00:00.000Z'],
    ] as const) {
      const s = aStatementSummary({ id, publishedAt: at, createdAt: at, topics: ['peace'] });
      await statements.create(s, publishedEvent(s));
    }
    // As that version left it: no listing tables, schema step 1.
    db.exec('DROP TABLE listing_entries; DROP TABLE listing_sizes;');
    db.pragma('user_version = 1');
    db.close();

    const reopened = openDatabase(dir);
    expect(reopened.pragma('user_version', { simple: true })).toBe(6);
    const listings = new SqliteListingRepository(reopened);
    expect((await listings.range('home', 1, 10)).map((e) => `${e.seq}:${e.summary.id}`)).toEqual(['1:a', '2:b', '3:c']);
    expect((await listings.range('topic:peace', 1, 10)).map((e) => e.summary.id)).toEqual(['a', 'b', 'c']);
    reopened.close();
    // Opened again: nothing numbered twice.
    openDatabase(dir).close();
    const check = new Database(path.join(dir, 'communique.db'), { readonly: true });
    // Each statement is in six listings: home, its party, country, language, topic and year.
    expect(check.prepare('SELECT count(*) AS n FROM listing_entries').get()).toEqual({ n: 3 * 6 });
    check.close();
  });
});

describe('opening a data dir of the version before subscriber buckets', () => {
  it('files its subscribers, gives them link secrets, and keeps its send ledger', async () => {
    const old = tempDir();
    const db = openDatabase(old);
    // As that version left it: subscribers as JSON rows with parties and languages only, the old ledger.
    db.exec('DROP TABLE subscriber_buckets; DROP TABLE mail_ledger;');
    db.exec(`CREATE TABLE send_ledger (statement_id TEXT NOT NULL, version INTEGER NOT NULL, subscriber_id TEXT NOT NULL,
      status TEXT NOT NULL, PRIMARY KEY (statement_id, version, subscriber_id))`);
    const put = db.prepare('INSERT INTO subscribers (id, json) VALUES (?, ?)');
    for (let i = 0; i < 1_200; i++) {
      const id = `s${String(i).padStart(20, '0')}`;
      const parties = i % 2 ? ['kke'] : [];
      put.run(
        id,
        JSON.stringify({
          id,
          email: `r${i}@example.org`,
          parties,
          languages: [],
          unsubscribeSecret: `secret${i}`.padEnd(24, 'x'),
          createdAt: '2025-01-01T00:00:00.000Z',
          subscribedAt: '2025-01-01T00:00:00.000Z',
        }),
      );
    }
    db.prepare("INSERT INTO send_ledger VALUES ('st1', 1, 's00000000000000000001', 'sent')").run();
    db.pragma('user_version = 2');
    db.close();

    const reopened = openDatabase(old);
    expect(reopened.pragma('user_version', { simple: true })).toBe(6);
    const subscribers = new SqliteSubscriberRepository(reopened);
    const inBucket = async (bucket: string) => {
      let n = 0;
      for (let page = await subscribers.inBucket(bucket, { limit: 500 }); ; ) {
        n += page.items.length;
        if (!page.nextCursor) return n;
        page = await subscribers.inBucket(bucket, { limit: 500, cursor: page.nextCursor });
      }
    };
    expect(await inBucket('party:kke')).toBe(600);
    expect(await inBucket('all')).toBe(600);
    const one = await subscribers.get('s00000000000000000003');
    expect(one).toMatchObject({ parties: ['kke'], countries: [], frequency: 'immediate', confirmedAt: '2025-01-01T00:00:00.000Z' });
    expect(one?.linkSecret).toMatch(/^[0-9a-z]{32}$/);
    expect((await new SqliteSendLedger(reopened).claim('st1#1', ['s00000000000000000001'], 60_000)).get('s00000000000000000001')).toBe(
      'sent',
    );
    reopened.close();
    fs.rmSync(old, { recursive: true, force: true });
  });
});

describe('opening a data dir of the version before key names', () => {
  it('keeps its keys working, unnamed, and records their names and last use from then on', async () => {
    const old = tempDir();
    const db = openDatabase(old);
    // As that version left it: press_keys without name and last_used_at, schema step 3.
    db.exec(`DROP TABLE press_keys; CREATE TABLE press_keys (
      key_id TEXT PRIMARY KEY, party TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)`);
    const { key, record } = issuePressKey('kke', new Date('2025-06-01T00:00:00Z'));
    db.prepare('INSERT INTO press_keys VALUES (?, ?, ?, ?, NULL)').run(record.keyId, 'kke', record.secretHash, record.createdAt);
    db.pragma('user_version = 3');
    db.close();

    const reopened = openDatabase(old);
    expect(reopened.pragma('user_version', { simple: true })).toBe(6);
    const keys = new SqlitePressKeyRepository(reopened);
    const legacy = await keys.get(record.keyId);
    expect(legacy).toEqual(record);
    expect(secretMatches(legacy as never, parsePressKey(key)?.secret as string)).toBe(true);
    expect(keyName(legacy as never)).toBe(`key ${record.keyId}`);
    expect(await keys.recordUse(record.keyId, '2026-01-01T00:00:00.000Z')).toBe(true);
    const named = issuePressKey('kke', new Date('2026-01-02T00:00:00Z'), 'desk laptop', true).record;
    expect(await keys.putWithinLimit(named, 20)).toBe(true);
    // A key from before manages keys, as the operator's keys do; a key issued for publishing only says so.
    expect((await keys.listForParty('kke')).map((k) => [keyName(k), k.lastUsedAt, k.publishOnly ?? false])).toEqual([
      [`key ${record.keyId}`, '2026-01-01T00:00:00.000Z', false],
      ['desk laptop', undefined, true],
    ]);
    reopened.close();
    // Opened again: the step is not run twice.
    const again = openDatabase(old);
    expect(again.pragma('user_version', { simple: true })).toBe(6);
    again.close();
    fs.rmSync(old, { recursive: true, force: true });
  });
});

describe('opening a data dir of the version before lists of invitations', () => {
  it('lists each statement that still awaits a party’s signature for that party', async () => {
    const old = tempDir();
    const db = openDatabase(old);
    const statements = new SqliteStatementRepository(db);
    const waiting = aStatementSummary({ id: 'waiting', invited: ['tkp'] });
    const signed = aStatementSummary({ id: 'signed', invited: [], cosigners: ['tkp'], publishedAt: '2026-02-01T00:00:00.000Z' });
    for (const s of [waiting, signed]) await statements.create(s, publishedEvent(s));
    // As that version left it: no invitation links, schema step 5.
    db.exec('DELETE FROM statement_invites');
    db.pragma('user_version = 5');
    db.close();

    const reopened = openDatabase(old);
    expect(reopened.pragma('user_version', { simple: true })).toBe(6);
    expect((await new SqliteStatementRepository(reopened).listInvitations('tkp', { limit: 10 })).items.map((s) => s.id)).toEqual([
      'waiting',
    ]);
    reopened.close();
    fs.rmSync(old, { recursive: true, force: true });
  });
});
