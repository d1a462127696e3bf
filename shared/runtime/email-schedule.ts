// The embedded platform's stand-in for EventBridge Scheduler: a timer that starts due digests and prunes
// what DynamoDB's TTL would expire (send ledger entries, mailings).
import type { SqliteMailingRepository, SqliteSendLedger } from '../adapters/local/sqlite-email.js';
import { startDueDigests } from '../email/digests.js';
import type { Platform } from '../platform.js';

/** How often the timer looks: a digest goes out within a minute of its period's end (or of a restart). */
export const SCHEDULE_EVERY_MS = 60_000;

export function startEmailSchedule(
  p: Pick<Platform, 'clock' | 'emailJobs'> & { ledger: SqliteSendLedger; mailings: SqliteMailingRepository },
  onError: (e: unknown) => void,
  everyMs = SCHEDULE_EVERY_MS,
): { stop(): void } {
  const tick = async () => {
    try {
      await startDueDigests(p);
      p.ledger.prune();
      p.mailings.prune();
    } catch (e) {
      onError(e);
    }
  };
  void tick();
  const timer = setInterval(tick, everyMs);
  return { stop: () => clearInterval(timer) };
}
