// The audit log on SQLite: one row per entry, keyed by party and time so that an office's page is one range read.
import { type AuditEntry, auditCutoff } from '../../domain/audit.js';
import { randomToken } from '../../domain/ids.js';
import type { AuditLog, Page } from '../../ports.js';
import { decodeCursor, encodeCursor, pageOf } from '../cursor.js';
import type { Db } from './sqlite.js';

/** sort_key is "<at>#<random>": time order, and two entries in the same millisecond both kept. */
export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_log (
  party TEXT NOT NULL, sort_key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (party, sort_key)) WITHOUT ROWID;
`;

export class SqliteAuditLog implements AuditLog {
  private pending: AuditEntry[] = [];
  private committing: Promise<void> | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Entries recorded in the same turn of the event loop (concurrent requests) share one commit, so the audit
   * log adds a fraction of an fsync to each change, not a whole one. Resolves once the entry is durable.
   */
  record(entry: AuditEntry): Promise<void> {
    this.pending.push(entry);
    this.committing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.pending.splice(0);
      this.committing = undefined;
      this.commit(batch);
    });
    return this.committing;
  }

  private commit(batch: AuditEntry[]): void {
    const insert = this.db.prepare('INSERT INTO audit_log (party, sort_key, json) VALUES (?, ?, ?)');
    // What DynamoDB's TTL does on AWS: a range of the primary key, usually empty, so nothing piles up.
    const expire = this.db.prepare('DELETE FROM audit_log WHERE party = ? AND sort_key < ?');
    this.db
      .transaction(() => {
        for (const entry of batch) {
          insert.run(entry.party, `${entry.at}#${randomToken(8)}`, JSON.stringify(entry));
          expire.run(entry.party, auditCutoff(entry.at));
        }
      })
      .immediate();
  }

  async list(party: string, page: { limit: number; cursor?: string }): Promise<Page<AuditEntry>> {
    const before = page.cursor ? decodeCursor(page.cursor) : '\uffff';
    const rows = this.db
      .prepare('SELECT sort_key, json FROM audit_log WHERE party = ? AND sort_key < ? ORDER BY sort_key DESC LIMIT ?')
      .all(party, before, page.limit + 1) as Array<{ sort_key: string; json: string }>;
    return pageOf(
      rows,
      page.limit,
      (last) => encodeCursor(last.sort_key),
      (r) => JSON.parse(r.json) as AuditEntry,
    );
  }
}
