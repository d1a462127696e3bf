// The site's listings on SQLite: a statement is numbered in each of its listings inside the transaction
// that stores it, so numbers have no gaps and every numbered statement is committed.
import { isShownIn, listingsOf } from '../../domain/listings.js';
import type { StatementSummary } from '../../domain/statement.js';
import type { ListingEntry, ListingRepository } from '../../ports.js';
import type { Db } from './sqlite.js';

export const LISTINGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS listing_sizes (listing TEXT PRIMARY KEY, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS listing_entries (
  listing TEXT NOT NULL, seq INTEGER NOT NULL, statement_id TEXT NOT NULL,
  PRIMARY KEY (listing, seq));
CREATE UNIQUE INDEX IF NOT EXISTS listing_entries_statement ON listing_entries(statement_id, listing);
`;

/** Within a write's transaction: numbers the statement in each of its listings it is not in yet. */
export function enterListings(db: Db, summary: StatementSummary): void {
  const has = db.prepare('SELECT 1 FROM listing_entries WHERE statement_id = ? AND listing = ?');
  const bump = db.prepare(
    'INSERT INTO listing_sizes (listing, size) VALUES (?, 1) ON CONFLICT(listing) DO UPDATE SET size = size + 1 RETURNING size',
  );
  const enter = db.prepare('INSERT INTO listing_entries (listing, seq, statement_id) VALUES (?, ?, ?)');
  for (const listing of listingsOf(summary)) {
    if (has.get(summary.id, listing)) continue;
    const { size } = bump.get(listing) as { size: number };
    enter.run(listing, size, summary.id);
  }
}

type EntryRow = { seq: number; json: string };
const entry = (r: EntryRow): ListingEntry => ({ seq: r.seq, summary: JSON.parse(r.json) as StatementSummary });

export class SqliteListingRepository implements ListingRepository {
  constructor(private readonly db: Db) {}

  async range(listing: string, from: number, to: number) {
    return (
      this.db
        .prepare(
          `SELECT e.seq, s.json FROM listing_entries e JOIN statements s ON s.id = e.statement_id
           WHERE e.listing = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq`,
        )
        .all(listing, from, to) as EntryRow[]
    ).map(entry);
  }

  async newest(listing: string, limit: number) {
    const read = this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT e.seq, s.json FROM listing_entries e JOIN statements s ON s.id = e.statement_id
           WHERE e.listing = ? ORDER BY e.seq DESC LIMIT ?`,
        )
        .all(listing, limit) as EntryRow[];
      const size = this.db.prepare('SELECT size FROM listing_sizes WHERE listing = ?').get(listing) as { size: number } | undefined;
      return { entries: rows.map(entry), size: size?.size ?? 0 };
    });
    return read();
  }

  async placesOf(statementId: string) {
    const rows = this.db.prepare('SELECT listing, seq FROM listing_entries WHERE statement_id = ?').all(statementId) as Array<{
      listing: string;
      seq: number;
    }>;
    return new Map(rows.map((r) => [r.listing, r.seq]));
  }

  async neighbours(listing: string, seq: number) {
    // The nearest shown: entries that left the listing (retracted) are stepped over, a few rows at a time.
    const near = (op: '<' | '>', order: 'DESC' | 'ASC'): ListingEntry | undefined => {
      const rows = this.db.prepare(
        `SELECT e.seq, s.json FROM listing_entries e JOIN statements s ON s.id = e.statement_id
         WHERE e.listing = ? AND e.seq ${op} ? ORDER BY e.seq ${order} LIMIT 8`,
      );
      for (let bound = seq; ; ) {
        const page = (rows.all(listing, bound) as EntryRow[]).map(entry);
        const shown = page.find((e) => isShownIn(e.summary, listing));
        if (shown || page.length < 8) return shown;
        bound = (page.at(-1) as ListingEntry).seq;
      }
    };
    const before = near('<', 'DESC');
    const after = near('>', 'ASC');
    return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
  }

  async sizes(prefix: string) {
    return this.db
      .prepare('SELECT listing, size FROM listing_sizes WHERE substr(listing, 1, length(?)) = ? ORDER BY listing')
      .all(prefix, prefix) as Array<{ listing: string; size: number }>;
  }
}

/** A data dir written before listings were numbered: every statement, in publication order. */
export function numberExistingStatements(db: Db): void {
  const next = db.prepare('SELECT listing_key, json FROM statements WHERE listing_key > ? ORDER BY listing_key LIMIT 500');
  for (let after = ''; ; ) {
    const rows = next.all(after) as Array<{ listing_key: string; json: string }>;
    for (const row of rows) enterListings(db, JSON.parse(row.json) as StatementSummary);
    const last = rows.at(-1);
    if (!last) return;
    after = last.listing_key;
  }
}
