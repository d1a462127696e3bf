// Scheduled statements (embargoes) on SQLite, and the embedded timer's wake-up: the worker's loop reads
// this table itself (start-embargo-clock.ts), so setting a timer only wakes it early.
import type { ScheduledStatement, ScheduledTarget } from '../../domain/scheduled.js';
import type { EmbargoTimer, Page, ScheduledStatements } from '../../ports.js';
import { decodeIdCursor, encodeIdCursor, pageOf } from '../cursor.js';
import type { Db } from './sqlite.js';

export const SCHEDULED_SCHEMA = `
CREATE TABLE IF NOT EXISTS scheduled_statements (
  id TEXT PRIMARY KEY, party TEXT NOT NULL, publish_at TEXT NOT NULL, state TEXT NOT NULL, revision INTEGER NOT NULL,
  json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS scheduled_statements_due ON scheduled_statements(publish_at, id);
CREATE INDEX IF NOT EXISTS scheduled_statements_party ON scheduled_statements(party, id);
`;

type Row = { json: string };
const record = (row: Row) => JSON.parse(row.json) as ScheduledStatement;

export class SqliteScheduledStatements implements ScheduledStatements {
  constructor(private readonly db: Db) {}

  async create(r: ScheduledStatement) {
    const result = this.db
      .prepare(
        'INSERT INTO scheduled_statements (id, party, publish_at, state, revision, json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(r.id, r.party, r.publishAt, r.state, r.revision, JSON.stringify(r));
    return result.changes === 1;
  }

  async get(party: string, id: string) {
    const row = this.db.prepare('SELECT json FROM scheduled_statements WHERE id = ? AND party = ?').get(id, party) as Row | undefined;
    return row ? record(row) : undefined;
  }

  async replace(r: ScheduledStatement, expectedRevision: number) {
    const result = this.db
      .prepare(
        'UPDATE scheduled_statements SET publish_at = ?, state = ?, revision = ?, json = ? WHERE id = ? AND party = ? AND revision = ?',
      )
      .run(r.publishAt, r.state, r.revision, JSON.stringify(r), r.id, r.party, expectedRevision);
    return result.changes === 1;
  }

  async remove(party: string, id: string, revision: number) {
    const result = this.db.prepare('DELETE FROM scheduled_statements WHERE id = ? AND party = ? AND revision = ?').run(id, party, revision);
    return result.changes === 1;
  }

  async listForParty(party: string, page: { limit: number; cursor?: string }): Promise<Page<ScheduledStatement>> {
    const after = page.cursor ? decodeIdCursor(page.cursor) : '';
    const rows = this.db
      .prepare('SELECT id, json FROM scheduled_statements WHERE party = ? AND id > ? ORDER BY id LIMIT ?')
      .all(party, after, page.limit + 1) as Array<Row & { id: string }>;
    return pageOf(rows, page.limit, (last) => encodeIdCursor(last.id), record);
  }

  async due(until: string, limit: number) {
    const rows = this.db
      .prepare("SELECT json FROM scheduled_statements WHERE publish_at <= ? AND state != 'failed' ORDER BY publish_at, id LIMIT ?")
      .all(until, limit) as Row[];
    return rows.map(record);
  }
}

/** The embedded timer: the worker's loop polls the table, and is woken here when the API (in-process) sets or clears one. */
export class LocalEmbargoTimer implements EmbargoTimer {
  private readonly listeners = new Set<() => void>();

  /** Calls `wake` on every change; returns the unsubscribe. */
  onChange(wake: () => void): () => void {
    this.listeners.add(wake);
    return () => this.listeners.delete(wake);
  }

  async set(_target: ScheduledTarget, _publishAt: string) {
    this.notify();
  }

  async clear(_target: ScheduledTarget) {
    this.notify();
  }

  private notify() {
    for (const wake of [...this.listeners]) wake();
  }
}
