// Digests: once a period has ended, its mailing starts (idempotent), whenever the scheduler looks.
import { DIGEST_FREQUENCIES, endedPeriods, type MailingSpec, mailingIdOf } from '../domain/mailing.js';
import type { Platform } from '../platform.js';

/**
 * Periods looked back on: a platform that was down over a period's end still mails it when it comes back
 * (the last three days, the last two weeks). Each period is one mailing: nothing is sent twice.
 */
const LOOKBACK = { daily: 3, weekly: 2 } as const;

/**
 * A period is mailed this long after its end, not at once: a statement stored in its last moments is
 * committed (and visible to every reader of the table) by then.
 */
export const DIGEST_GRACE_MS = 10 * 60_000;

/**
 * Enqueues a 'plan' job for each ended digest period whose mailing is not done: a new one starts, one in
 * progress is left to its walker (the job finds it busy), one whose walker died is taken over.
 * Returns the periods poked.
 */
export async function startDueDigests(p: Pick<Platform, 'clock' | 'mailings' | 'emailJobs'>): Promise<string[]> {
  const now = new Date(p.clock.now().getTime() - DIGEST_GRACE_MS);
  const due: MailingSpec[] = [];
  for (const frequency of DIGEST_FREQUENCIES) {
    for (const period of endedPeriods(frequency, now, LOOKBACK[frequency])) {
      const spec: MailingSpec = { kind: 'digest', frequency, ...period };
      const mailing = await p.mailings.get(mailingIdOf(spec));
      if (!mailing?.done) due.push(spec);
    }
  }
  if (due.length) await p.emailJobs.enqueue(due.map((mailing) => ({ kind: 'plan', mailing })));
  return due.map(mailingIdOf);
}
