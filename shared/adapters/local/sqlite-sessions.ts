// Desk sessions on SQLite: one row per session, in the data dir, so that the CLI revoking a key ends them too.
import type { DeskSession, DeskSessions } from '../../ports.js';
import type { Db } from './sqlite.js';

export const SESSIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS desk_sessions (
  id_hash TEXT PRIMARY KEY, party TEXT NOT NULL, key_id TEXT NOT NULL, created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT);
CREATE INDEX IF NOT EXISTS desk_sessions_key ON desk_sessions(key_id);
CREATE INDEX IF NOT EXISTS desk_sessions_expiry ON desk_sessions(expires_at);
`;

type SessionRow = {
  id_hash: string;
  party: string;
  key_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
};

const session = (r: SessionRow): DeskSession => ({
  idHash: r.id_hash,
  party: r.party,
  keyId: r.key_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

export class SqliteDeskSessions implements DeskSessions {
  constructor(private readonly db: Db) {}

  async create(s: DeskSession) {
    // Sessions that ended are forgotten as new ones begin (ISO times in UTC compare as text).
    this.db.prepare('DELETE FROM desk_sessions WHERE expires_at < ?').run(s.createdAt);
    this.db
      .prepare(
        `INSERT INTO desk_sessions (id_hash, party, key_id, created_at, last_seen_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.idHash, s.party, s.keyId, s.createdAt, s.lastSeenAt, s.expiresAt, s.revokedAt ?? null);
  }

  async get(idHash: string) {
    const row = this.db.prepare('SELECT * FROM desk_sessions WHERE id_hash = ?').get(idHash) as SessionRow | undefined;
    return row ? session(row) : undefined;
  }

  async touch(idHash: string, at: string) {
    this.db.prepare('UPDATE desk_sessions SET last_seen_at = ? WHERE id_hash = ? AND revoked_at IS NULL').run(at, idHash);
  }

  async revoke(idHash: string, at: string) {
    this.db.prepare('UPDATE desk_sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL').run(at, idHash);
    return (await this.get(idHash)) !== undefined;
  }

  async revokeAllForKey(keyId: string, at: string) {
    return this.db
      .prepare('UPDATE desk_sessions SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL AND expires_at > ?')
      .run(at, keyId, at).changes;
  }
}
