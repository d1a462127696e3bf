// The sender: one send job (a few dozen recipients of one mailing), claimed in the ledger, paced, recorded.
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { inParallel } from '../concurrency/in-parallel.js';
import type { EmailJob } from '../domain/mailing.js';
import { ledgerKeyOf } from '../domain/mailing.js';
import { type Subscriber, withLinkSecret } from '../domain/subscriber.js';
import type { Platform } from '../platform.js';
import { contentFor } from './mail-content.js';
import { paceFor } from './pace.js';

/**
 * How long a claim holds a recipient: longer than a send job runs (it stops at its invocation's deadline,
 * 60 s at most), shorter than the queue's redelivery (SQS visibility: 6 x 60 s), so that a job whose sender
 * was killed finds its claims free again when it comes back.
 */
export const SEND_LEASE_MS = 2 * 60_000;

/** Messages handed to an unpaced mailer (files) at once: their writes overlap. */
const SENDS_AT_ONCE = 8;

/** What SES answers for one message it will never take (a bad address, a rejected message): not retried. */
const REJECTED = new Set(['MessageRejected', 'BadRequestException']);

export interface SendJobReport {
  sent: string[];
  /** Refused for good by the provider (recorded, never retried). */
  rejected: string[];
  /** Left for a new job: out of time, or claimed by a sender that may still be at work. */
  requeued: number;
  /** Already mailed, no longer wanted (unsubscribed, choices changed), or nothing for them in a digest. */
  skipped: number;
}

type SendPlatform = Pick<
  Platform,
  'config' | 'clock' | 'subscribers' | 'ledger' | 'mailer' | 'emailStats' | 'emailJobs' | 'parties' | 'statements' | 'blobs'
>;

/** Subscribers stored before link secrets get theirs now, stored before any link to them is made. */
async function withLinkSecrets(p: SendPlatform, subscribers: Subscriber[]): Promise<Subscriber[]> {
  const missing = subscribers.filter((s) => !s.linkSecret).map(withLinkSecret);
  if (missing.length) await p.subscribers.putMany(missing);
  const renewed = new Map(missing.map((s) => [s.id, s]));
  return subscribers.map((s) => renewed.get(s.id) ?? s);
}

/**
 * Sends one job until done or `deadline` (epoch ms). Recipients are read again (who unsubscribed since the
 * job was planned gets nothing), claimed for SEND_LEASE_MS, sent at the configured pace, and recorded as
 * sent as they go (SES) or together once synced (the file mailer, which cannot deliver twice). What time
 * did not allow goes back to the queue as a new job, and what another sender holds as a job delayed past
 * its lease, so that no retry count is spent on either. A failure (SES throttling past its backoff, an
 * outage) releases what was not sent and throws: the queue retries the job, and the ledger skips who has it.
 */
export async function sendJob(p: SendPlatform, job: Extract<EmailJob, { kind: 'send' }>, deadline: number): Promise<SendJobReport> {
  const key = ledgerKeyOf(job.mailing);
  const content = await contentFor(p, job.mailing);
  const wanted = await withLinkSecrets(
    p,
    (await p.subscribers.getMany(job.recipients)).filter((s) => content.wants(s)),
  );
  const claims = await p.ledger.claim(
    key,
    wanted.map((s) => s.id),
    SEND_LEASE_MS,
  );
  // 'pending' under a live lease: another sender has it, or one that died did. Only a mailer that cannot
  // deliver twice may send it now; with SES the claim's expiry decides.
  const mine = wanted.filter((s) => claims.get(s.id) === 'claimed' || (claims.get(s.id) === 'pending' && p.mailer.deliversIdempotently));
  const heldElsewhere = wanted.filter((s) => claims.get(s.id) === 'pending' && !p.mailer.deliversIdempotently).map((s) => s.id);
  const pace = paceFor(p);
  const accepted: string[] = [];
  const rejected: string[] = [];
  let failure: unknown;
  const atOnce = p.config.mailRatePerSecond ? Math.max(1, Math.min(SENDS_AT_ONCE, Math.ceil(p.config.mailRatePerSecond))) : SENDS_AT_ONCE;
  await inParallel(mine, atOnce, async (s: Subscriber) => {
    // A slot past the deadline is not taken: what is left goes back to the queue.
    if (failure !== undefined || !(await pace(deadline))) return;
    // A file mailer never waits on I/O here: let requests and other consumers in between messages.
    await yieldToEvents();
    try {
      const raw = await content.compose(s, p.clock.now());
      await p.mailer.send({ messageKey: `${key.replace(/[^a-z0-9-]/gi, '-')}-${s.id}`, from: p.config.mailFrom, to: s.email, raw });
      accepted.push(s.id);
      if (!p.mailer.deliversIdempotently) await p.ledger.markSent(key, [s.id]);
    } catch (e) {
      if (REJECTED.has((e as Error)?.name)) rejected.push(s.id);
      else failure ??= e;
    }
  });
  await p.mailer.flush?.();
  // Recorded for good: accepted messages (again, in case a mark above failed after the provider took one)
  // and rejected ones. Only what never left is released.
  await p.ledger.markSent(key, [...accepted, ...rejected]);
  const done = new Set([...accepted, ...rejected]);
  const unsent = mine.filter((s) => !done.has(s.id)).map((s) => s.id);
  if (accepted.length) await p.emailStats.add(p.clock.now().toISOString().slice(0, 10), { sent: accepted.length });
  if (failure !== undefined) {
    await p.ledger.release(key, unsent);
    throw failure;
  }
  if (unsent.length) {
    await p.ledger.release(key, unsent);
    await p.emailJobs.enqueue([{ kind: 'send', mailing: job.mailing, recipients: unsent }]);
  }
  if (heldElsewhere.length) {
    await p.emailJobs.enqueue([{ kind: 'send', mailing: job.mailing, recipients: heldElsewhere }], {
      delaySeconds: SEND_LEASE_MS / 1000 + 1,
    });
  }
  return {
    sent: accepted,
    rejected,
    requeued: unsent.length + heldElsewhere.length,
    skipped: job.recipients.length - accepted.length - rejected.length - unsent.length - heldElsewhere.length,
  };
}
