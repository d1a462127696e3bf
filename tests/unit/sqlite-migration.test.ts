// A data dir written before the site's listings were numbered: opening it numbers every statement in
// each of its listings, in publication order, once.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStatementRepository } from '../../shared/adapters/local/catalog.js';
import { openDatabase } from '../../shared/adapters/local/sqlite.js';
import { SqliteListingRepository } from '../../shared/adapters/local/sqlite-listings.js';
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
    expect(reopened.pragma('user_version', { simple: true })).toBe(3);
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
