// The attachment records on SQLite: one row per upload, its state beside the JSON so that completing is one guarded update.
import type { AttachmentRecord, AttachmentRepository } from '../../ports.js';
import type { Db } from './sqlite.js';

export const ATTACHMENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY, party TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, json TEXT NOT NULL);
`;

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

  async complete(record: AttachmentRecord): Promise<boolean> {
    const r = this.db
      .prepare("UPDATE attachments SET state = 'completed', json = ? WHERE id = ? AND state = 'pending'")
      .run(JSON.stringify({ ...record, state: 'completed' }), record.id);
    return r.changes === 1;
  }
}
