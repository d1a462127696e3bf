// Digests: once a period has ended, its mailing starts (idempotent), whenever the scheduler looks.
import { DIGEST_FREQUENCIES, endedPeriods, type MailingSpec, mailingIdOf } from '../domain/mailing.js';
import type { Platform } from '../platform.js';

/**
 * Periods looked back on: a platform that was down over a period's end still mails it when it comes back
 * (the last three days, the last two weeks). Each period is one mailing: nothing is sent twice.
 */
const LOOKBACK = { daily: 3, weekly: 2 } as const;

/**
 * Enqueues a 'plan' job for each ended digest period whose mailing is not done: a new one starts, one in
 * progress is left to its walker (the job finds it busy), one whose walker died is taken over.
 * Returns the periods poked.
 */
export async function startDueDigests(p: Pick<Platform, 'clock' | 'mailings' | 'emailJobs'>): Promise<string[]> {
  const now = p.clock.now();
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
