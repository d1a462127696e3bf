// Opens the embedded database (better-sqlite3, WAL) and creates its tables.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expiresAfterDays, SEND_LEDGER_DAYS } from '../../domain/retention.js';
import type { StatementSummary } from '../../domain/statement.js';
import { normaliseSubscriber, withLinkSecret } from '../../domain/subscriber.js';
import { inviteParties } from './catalog.js';
import { ATTACHMENTS_SCHEMA } from './sqlite-attachments.js';
import { AUDIT_SCHEMA } from './sqlite-audit.js';
import { EMAIL_SCHEMA, fileSubscriber } from './sqlite-email.js';
import { LISTINGS_SCHEMA, numberExistingStatements } from './sqlite-listings.js';
import { SCHEDULED_SCHEMA } from './sqlite-scheduled.js';
import { SESSIONS_SCHEMA } from './sqlite-sessions.js';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS parties (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS press_keys (
  key_id TEXT PRIMARY KEY, party TEXT NOT NULL, secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL, revoked_at TEXT, name TEXT, last_used_at TEXT, publish_only INTEGER);
CREATE INDEX IF NOT EXISTS press_keys_party ON press_keys(party);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  party TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, statement_id TEXT NOT NULL,
  PRIMARY KEY (party, key));
CREATE TABLE IF NOT EXISTS statements (
  id TEXT PRIMARY KEY, listing_key TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS statements_listing ON statements(listing_key);
CREATE TABLE IF NOT EXISTS statement_parties (
  party TEXT NOT NULL, listing_key TEXT NOT NULL, statement_id TEXT NOT NULL,
  PRIMARY KEY (party, listing_key));
CREATE TABLE IF NOT EXISTS statement_invites (
  party TEXT NOT NULL, listing_key TEXT NOT NULL, statement_id TEXT NOT NULL,
  PRIMARY KEY (party, listing_key));
CREATE TABLE IF NOT EXISTS statement_events (
  statement_id TEXT PRIMARY KEY, created_key TEXT NOT NULL, event TEXT NOT NULL, relayed_at TEXT);
CREATE INDEX IF NOT EXISTS statement_events_created ON statement_events(created_key);
CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL, hits INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, visible_at INTEGER NOT NULL, last_error TEXT, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages(queue, visible_at);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY, queue TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL,
  last_error TEXT, created_at TEXT NOT NULL, dead_at TEXT NOT NULL);
`;

export function openDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'communique.db'));
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives a power cut, not only a killed process.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  db.exec(LISTINGS_SCHEMA);
  db.exec(EMAIL_SCHEMA);
  db.exec(ATTACHMENTS_SCHEMA);
  db.exec(AUDIT_SCHEMA);
  db.exec(SESSIONS_SCHEMA);
  db.exec(SCHEDULED_SCHEMA);
  migrate(db);
  return db;
}

/**
 * Brings a data dir written by an earlier version up to this schema (PRAGMA user_version counts the
 * steps), in one immediate transaction: a second process starting meanwhile waits, then finds it done.
 */
function migrate(db: Db): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < 1) {
      // Statements stored before events were kept per statement: their events, relayed unless still in the outbox.
      db.exec(`INSERT OR IGNORE INTO statement_events (statement_id, created_key, event, relayed_at)
        SELECT s.id, json_extract(s.json, '$.createdAt') || '#' || s.id,
          json_object('type', 'statement.published', 'statementId', s.id, 'version', json_extract(s.json, '$.version'),
            'party', json_extract(s.json, '$.party'), 'occurredAt', json_extract(s.json, '$.createdAt')),
          CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE json_extract(o.event, '$.statementId') = s.id)
            THEN NULL ELSE json_extract(s.json, '$.createdAt') END
        FROM statements s`);
    }
    // Statements stored before the site's listings were numbered: numbered in publication order.
    if (version < 2) numberExistingStatements(db);
    if (version < 3) fileExistingSubscribers(db);
    // Key names and last use (4), and keys for publishing only (5): the columns a data dir lacks.
    if (version < 5) addKeyColumns(db);
    if (version < 5) db.pragma('user_version = 5');
    // Statements stored before invitations were listed: each party they still invite, linked.
    if (version < 6) linkExistingInvitations(db);
    if (version < 6) db.pragma('user_version = 6');
  }).immediate();
}

/**
 * Subscribers stored before they were filed by bucket are filed now (one at a time: an iterator, not the
 * table in memory), and the send ledger of that time becomes the leased one, its entries sent or expired.
 */
function fileExistingSubscribers(db: Db): void {
  // Pages by id, not one open iterator: better-sqlite3 allows no write on a connection while a read is open.
  const page = db.prepare('SELECT id, json FROM subscribers WHERE id > ? ORDER BY id LIMIT 500');
  const store = db.prepare('UPDATE subscribers SET json = ? WHERE id = ?');
  for (let rows = page.all('') as Array<{ id: string; json: string }>; rows.length; rows = page.all(rows.at(-1)?.id) as typeof rows) {
    for (const row of rows) {
      const s = withLinkSecret(normaliseSubscriber(JSON.parse(row.json)));
      store.run(JSON.stringify(s), s.id);
      fileSubscriber(db, s);
    }
  }
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'send_ledger'").get();
  if (!old) return;
  db.prepare(
    `INSERT OR IGNORE INTO mail_ledger (mail_key, subscriber_id, status, lease_until, expires_at)
     SELECT statement_id || '#' || version, subscriber_id, status, 0, ? FROM send_ledger`,
  ).run(expiresAfterDays(SEND_LEDGER_DAYS));
  db.exec('DROP TABLE send_ledger');
}

/**
 * Keys get names and their last use; those issued before stay unnamed (shown as "key <id>"). A new data dir
 * has the columns from SCHEMA already, so each is added only where it is missing.
 */
function linkExistingInvitations(db: Db): void {
  const page = db.prepare(
    "SELECT listing_key, json FROM statements WHERE listing_key > ? AND json_array_length(json, '$.invited') > 0 ORDER BY listing_key LIMIT 500",
  );
  for (let after = ''; ; ) {
    const rows = page.all(after) as Array<{ listing_key: string; json: string }>;
    for (const row of rows) inviteParties(db, JSON.parse(row.json) as StatementSummary, row.listing_key);
    const last = rows.at(-1);
    if (!last) return;
    after = last.listing_key;
  }
}

function addKeyColumns(db: Db): void {
  const columns = new Set(
    (db.prepare("SELECT name FROM pragma_table_info('press_keys')").all() as Array<{ name: string }>).map((c) => c.name),
  );
  for (const [column, type] of [
    ['name', 'TEXT'],
    ['last_used_at', 'TEXT'],
    ['publish_only', 'INTEGER'],
  ]) {
    if (!columns.has(column as string)) db.exec(`ALTER TABLE press_keys ADD COLUMN ${column} ${type}`);
  }
}

/**
 * Rate-limit counters: in memory, since one process serves the embedded API, and a count need not survive
 * a restart. In the data dir each hit would be one more fsync'd commit per request.
 */
export function openCounters(): Db {
  const db = new Database(':memory:');
  db.exec(
    `CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL, hits INTEGER NOT NULL);`,
  );
  return db;
}
