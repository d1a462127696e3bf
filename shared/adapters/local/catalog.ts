// The table port on SQLite: parties, press keys and statements (+ outbox); email is in sqlite-email.ts.
import type { StatementEvent } from '../../domain/events.js';
import type { Party } from '../../domain/party.js';
import { lastUseStaleAt, type PressKeyRecord } from '../../domain/press-key.js';
import { awaitsSignatureOf, listingKey, type StatementSummary, signatories } from '../../domain/statement.js';
import type { IdempotencyRecord, Page, PartyRepository, PressKeyRepository, StatementRecord, StatementRepository } from '../../ports.js';
import { decodeCursor, encodeCursor, pageOf } from '../cursor.js';
import type { Db } from './sqlite.js';
import { enterListings } from './sqlite-listings.js';

type JsonRow = { json: string };

/** Records kept whole as JSON, one per id, listed in id order. */
class SqliteJsonCollection<T extends { id: string }> {
  constructor(
    private readonly db: Db,
    private readonly table: 'parties',
  ) {}
  async put(item: T) {
    this.db
      .prepare(`INSERT INTO ${this.table} (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json`)
      .run(item.id, JSON.stringify(item));
  }
  async get(id: string) {
    const row = this.db.prepare(`SELECT json FROM ${this.table} WHERE id = ?`).get(id) as JsonRow | undefined;
    return row ? (JSON.parse(row.json) as T) : undefined;
  }
  async list() {
    return (this.db.prepare(`SELECT json FROM ${this.table} ORDER BY id`).all() as JsonRow[]).map((r) => JSON.parse(r.json) as T);
  }
}

export class SqlitePartyRepository extends SqliteJsonCollection<Party> implements PartyRepository {
  constructor(db: Db) {
    super(db, 'parties');
  }
}

type KeyRow = {
  key_id: string;
  party: string;
  secret_hash: string;
  created_at: string;
  name: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  publish_only: number | null;
};
const keyRecord = (r: KeyRow): PressKeyRecord => ({
  keyId: r.key_id,
  party: r.party,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  ...(r.name ? { name: r.name } : {}),
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  ...(r.publish_only ? { publishOnly: true } : {}),
});
const keyValues = (k: PressKeyRecord) => [
  k.keyId,
  k.party,
  k.secretHash,
  k.createdAt,
  k.name ?? null,
  k.lastUsedAt ?? null,
  k.revokedAt ?? null,
  k.publishOnly ? 1 : null,
];

export class SqlitePressKeyRepository implements PressKeyRepository {
  constructor(private readonly db: Db) {}
  async put(k: PressKeyRecord) {
    this.db
      .prepare(
        'INSERT INTO press_keys (key_id, party, secret_hash, created_at, name, last_used_at, revoked_at, publish_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(...keyValues(k));
  }
  async putWithinLimit(k: PressKeyRecord, maxLive: number) {
    // One statement: SQLite runs it under the write lock, so two offices' clicks cannot both take the last slot.
    const result = this.db
      .prepare(
        `INSERT INTO press_keys (key_id, party, secret_hash, created_at, name, last_used_at, revoked_at, publish_only)
         SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM press_keys WHERE party = ? AND revoked_at IS NULL) < ?`,
      )
      .run(...keyValues(k), k.party, maxLive);
    return result.changes === 1;
  }
  async get(keyId: string) {
    const row = this.db.prepare('SELECT * FROM press_keys WHERE key_id = ?').get(keyId) as KeyRow | undefined;
    return row ? keyRecord(row) : undefined;
  }
  async revoke(keyId: string, at: string) {
    this.db.prepare('UPDATE press_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL').run(at, keyId);
    return (await this.get(keyId)) !== undefined;
  }
  async recordUse(keyId: string, at: string) {
    const result = this.db
      .prepare('UPDATE press_keys SET last_used_at = ? WHERE key_id = ? AND (last_used_at IS NULL OR last_used_at <= ?)')
      .run(at, keyId, lastUseStaleAt(new Date(at)));
    return result.changes === 1;
  }
  async listForParty(party: string) {
    return (this.db.prepare('SELECT * FROM press_keys WHERE party = ? ORDER BY created_at, key_id').all(party) as KeyRow[]).map(keyRecord);
  }
}

/**
 * Within a write's transaction: links the statement to each party it invites to sign, for that party's list
 * of invitations. A link stays once the party signed; the list skips it then (awaitsSignatureOf).
 */
export function inviteParties(db: Db, summary: StatementSummary, key = listingKey(summary)): void {
  const invite = db.prepare('INSERT OR IGNORE INTO statement_invites (party, listing_key, statement_id) VALUES (?, ?, ?)');
  for (const party of summary.invited ?? []) invite.run(party, key, summary.id);
}

export class SqliteStatementRepository implements StatementRepository {
  constructor(private readonly db: Db) {}

  async reserveIdempotencyKey(r: IdempotencyRecord) {
    this.db
      .prepare('INSERT INTO idempotency_keys (party, key, fingerprint, statement_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(r.party, r.key, r.fingerprint, r.statementId);
    const row = this.db
      .prepare('SELECT fingerprint, statement_id FROM idempotency_keys WHERE party = ? AND key = ?')
      .get(r.party, r.key) as { fingerprint: string; statement_id: string };
    return { party: r.party, key: r.key, fingerprint: row.fingerprint, statementId: row.statement_id };
  }

  async create(summary: StatementSummary, event: StatementEvent) {
    return this.db.transaction(() => this.insert(summary, event)).immediate();
  }

  /** One transaction, one fsync, for the lot: an import's group commit. */
  async createMany(entries: Array<{ summary: StatementSummary; event: StatementEvent }>) {
    return this.db.transaction(() => entries.map((e) => this.insert(e.summary, e.event))).immediate();
  }

  private insert(summary: StatementSummary, event: StatementEvent): boolean {
    const key = listingKey(summary);
    const result = this.db
      .prepare('INSERT INTO statements (id, listing_key, json) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(summary.id, key, JSON.stringify(summary));
    if (result.changes === 0) return false;
    this.listAndEmit(summary, key, event);
    this.db
      .prepare('INSERT INTO statement_events (statement_id, created_key, event) VALUES (?, ?, ?)')
      .run(summary.id, `${summary.createdAt}#${summary.id}`, JSON.stringify(event));
    return true;
  }

  /** Within a write's transaction: list the statement under every signing party, and queue its event. */
  private listAndEmit(summary: StatementSummary, key: string, event: StatementEvent): void {
    const link = this.db.prepare('INSERT OR IGNORE INTO statement_parties (party, listing_key, statement_id) VALUES (?, ?, ?)');
    for (const party of signatories(summary)) link.run(party, key, summary.id);
    inviteParties(this.db, summary, key);
    enterListings(this.db, summary);
    this.db.prepare('INSERT INTO outbox (event, created_at) VALUES (?, ?)').run(JSON.stringify(event), event.occurredAt);
  }

  async update(summary: StatementSummary, expectedVersion: number, event: StatementEvent) {
    const key = listingKey(summary);
    const replace = this.db.transaction(() => {
      const result = this.db
        .prepare("UPDATE statements SET json = ? WHERE id = ? AND json_extract(json, '$.version') = ?")
        .run(JSON.stringify(summary), summary.id, expectedVersion);
      if (result.changes === 0) return false;
      this.listAndEmit(summary, key, event);
      // Republishing emits the latest event; it is not relayed yet.
      this.db
        .prepare('UPDATE statement_events SET event = ?, relayed_at = NULL WHERE statement_id = ?')
        .run(JSON.stringify(event), summary.id);
      return true;
    });
    return replace.immediate();
  }

  async get(id: string) {
    const row = this.db.prepare('SELECT json FROM statements WHERE id = ?').get(id) as JsonRow | undefined;
    return row ? (JSON.parse(row.json) as StatementSummary) : undefined;
  }

  async list(q: { party?: string; limit: number; cursor?: string }): Promise<Page<StatementSummary>> {
    const before = q.cursor ? decodeCursor(q.cursor) : '\uffff';
    const rows = (
      q.party
        ? this.db
            .prepare(
              `SELECT s.listing_key, s.json FROM statement_parties p JOIN statements s ON s.id = p.statement_id
               WHERE p.party = ? AND p.listing_key < ? ORDER BY p.listing_key DESC LIMIT ?`,
            )
            .all(q.party, before, q.limit + 1)
        : this.db
            .prepare('SELECT listing_key, json FROM statements WHERE listing_key < ? ORDER BY listing_key DESC LIMIT ?')
            .all(before, q.limit + 1)
    ) as Array<{ listing_key: string; json: string }>;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => JSON.parse(r.json) as StatementSummary),
      ...(rows.length > q.limit && last ? { nextCursor: encodeCursor(last.listing_key) } : {}),
    };
  }

  async listInvitations(party: string, q: { limit: number; cursor?: string }): Promise<Page<StatementSummary>> {
    const before = q.cursor ? decodeCursor(q.cursor) : '\uffff';
    const rows = this.db
      .prepare(
        `SELECT i.listing_key, s.json FROM statement_invites i JOIN statements s ON s.id = i.statement_id
         WHERE i.party = ? AND i.listing_key < ? ORDER BY i.listing_key DESC LIMIT ?`,
      )
      .all(party, before, q.limit + 1) as Array<{ listing_key: string; json: string }>;
    const page = pageOf(
      rows,
      q.limit,
      (last) => encodeCursor(last.listing_key),
      (r) => JSON.parse(r.json) as StatementSummary,
    );
    return { ...page, items: page.items.filter((s) => awaitsSignatureOf(s, party)) };
  }

  async listStoredSince(q: { since: string; limit: number; cursor?: string }): Promise<Page<StatementRecord>> {
    const after = q.cursor ? decodeCursor(q.cursor) : '';
    const rows = this.db
      .prepare(
        `SELECT e.created_key, e.event, e.relayed_at, s.json FROM statement_events e JOIN statements s ON s.id = e.statement_id
         WHERE e.created_key >= ? AND e.created_key > ? ORDER BY e.created_key LIMIT ?`,
      )
      .all(q.since, after, q.limit + 1) as Array<{ created_key: string; event: string; relayed_at: string | null; json: string }>;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        summary: JSON.parse(r.json) as StatementSummary,
        event: JSON.parse(r.event) as StatementEvent,
        ...(r.relayed_at ? { relayedAt: r.relayed_at } : {}),
      })),
      ...(rows.length > q.limit && last ? { nextCursor: encodeCursor(last.created_key) } : {}),
    };
  }

  async markRelayed(id: string, version: number, at: string) {
    this.db
      .prepare(
        "UPDATE statement_events SET relayed_at = ? WHERE statement_id = ? AND relayed_at IS NULL AND json_extract(event, '$.version') = ?",
      )
      .run(at, id, version);
  }
}
