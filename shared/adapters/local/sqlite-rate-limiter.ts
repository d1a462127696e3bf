// The rate limiter on SQLite: one row per key holding its current fixed window, counted by one UPSERT.
import { type Clock, type RateLimiter, systemClock } from '../../ports.js';
import type { Db } from './sqlite.js';

/** Rows of windows that ended are deleted now and then, so that one-off clients do not pile up. */
const PRUNE_EVERY_HITS = 1_000;

export class SqliteRateLimiter implements RateLimiter {
  private hitsSincePrune = 0;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number) {
    const now = this.clock.now().getTime();
    const windowMs = windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    // A row of an older window starts counting again from 1 (SET expressions read the row's old values).
    const { hits } = this.db
      .prepare(
        `INSERT INTO rate_limits (key, window_start, window_end, hits) VALUES (?, ?, ?, 1)
         ON CONFLICT(key) DO UPDATE SET hits = CASE WHEN window_start = excluded.window_start THEN hits + 1 ELSE 1 END,
           window_start = excluded.window_start, window_end = excluded.window_end
         RETURNING hits`,
      )
      .get(key, start, start + windowMs) as { hits: number };
    if (++this.hitsSincePrune >= PRUNE_EVERY_HITS) {
      this.hitsSincePrune = 0;
      this.db.prepare('DELETE FROM rate_limits WHERE window_end < ?').run(now);
    }
    const allowed = hits <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
  }
}
