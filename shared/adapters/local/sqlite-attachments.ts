// The attachment records on SQLite: one row per upload, its state beside the JSON so that completing is one guarded update.
import type { AttachmentRecord, AttachmentRepository } from '../../ports.js';
import type { Db } from './sqlite.js';

export const ATTACHMENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY, party TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attachments_pending ON attachments(created_at) WHERE state = 'pending';
`;

/** A pending attachment is forgotten this long after it was prepared (its form lasts minutes): as DynamoDB's TTL does on AWS. */
export const PENDING_ATTACHMENT_MS = 24 * 60 * 60 * 1000;

export class SqliteAttachmentRepository implements AttachmentRepository {
  constructor(private readonly db: Db) {}

  async create(record: AttachmentRecord): Promise<boolean> {
    const r = this.db
      .prepare('INSERT INTO attachments (id, party, state, created_at, json) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
      .run(record.id, record.party, record.state, record.createdAt, JSON.stringify(record));
    return r.changes === 1;
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const row = this.db.prepare('SELECT json FROM attachments WHERE id = ?').get(id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as AttachmentRecord) : undefined;
  }

  /**
   * Forgets uploads never completed, prepared before `before` (ISO time), a page at a time: their upload keys,
   * for the caller to delete first, then `forget` removes the records (a crash between leaves a record, and
   * the next run deletes its upload again: deleting what is not there is no error).
   */
  abandoned(before: string, limit = 500): { uploadKeys: string[]; forget(): void } {
    const rows = this.db
      .prepare("SELECT id, json FROM attachments WHERE state = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?")
      .all(before, limit) as Array<{ id: string; json: string }>;
    return {
      uploadKeys: rows.map((r) => (JSON.parse(r.json) as AttachmentRecord).uploadKey),
      forget: () => {
        const remove = this.db.prepare("DELETE FROM attachments WHERE id = ? AND state = 'pending'");
        this.db.transaction(() => {
          for (const r of rows) remove.run(r.id);
        })();
      },
    };
  }

  async complete(record: AttachmentRecord): Promise<boolean> {
    const r = this.db
      .prepare("UPDATE attachments SET state = 'completed', json = ? WHERE id = ? AND state = 'pending'")
      .run(JSON.stringify({ ...record, state: 'completed' }), record.id);
    return r.changes === 1;
  }
}
