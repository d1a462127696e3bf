// The embedded platform's stand-in for EventBridge Scheduler: a timer that starts due digests and prunes
// what DynamoDB's TTL and S3's lifecycle rules expire on AWS (send ledger entries, mailings, uploads never
// completed).
import { PENDING_ATTACHMENT_MS, type SqliteAttachmentRepository } from '../adapters/local/sqlite-attachments.js';
import type { SqliteMailingRepository, SqliteSendLedger } from '../adapters/local/sqlite-email.js';
import { startDueDigests } from '../email/digests.js';
import type { Platform } from '../platform.js';

/** How often the timer looks: a digest goes out within a minute of its period's end (or of a restart). */
export const SCHEDULE_EVERY_MS = 60_000;

/** Uploads prepared a day ago or more and never completed: their files, then their records. */
export async function pruneAbandonedUploads(
  p: Pick<Platform, 'clock' | 'blobs'> & { attachments: SqliteAttachmentRepository },
): Promise<number> {
  const before = new Date(p.clock.now().getTime() - PENDING_ATTACHMENT_MS).toISOString();
  let forgotten = 0;
  for (let batch = p.attachments.abandoned(before); batch.uploadKeys.length; batch = p.attachments.abandoned(before)) {
    await p.blobs.delete(batch.uploadKeys);
    batch.forget();
    forgotten += batch.uploadKeys.length;
  }
  return forgotten;
}

export function startEmailSchedule(
  p: Pick<Platform, 'clock' | 'emailJobs' | 'blobs'> & {
    ledger: SqliteSendLedger;
    mailings: SqliteMailingRepository;
    attachments: SqliteAttachmentRepository;
  },
  onError: (e: unknown) => void,
  everyMs = SCHEDULE_EVERY_MS,
): { stop(): void } {
  const tick = async () => {
    try {
      await startDueDigests(p);
      p.ledger.prune();
      p.mailings.prune();
      await pruneAbandonedUploads(p);
    } catch (e) {
      onError(e);
    }
  };
  void tick();
  const timer = setInterval(tick, everyMs);
  return { stop: () => clearInterval(timer) };
}
