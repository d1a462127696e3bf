// The sender: one send job (a few dozen recipients of one mailing), claimed in the ledger, paced, recorded.
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { inParallel } from '../concurrency/in-parallel.js';
import type { EmailJob } from '../domain/mailing.js';
import { ledgerKeyOf } from '../domain/mailing.js';
import type { Subscriber } from '../domain/subscriber.js';
import { ThrottledError } from '../errors.js';
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

/** How long a job whose sends SES throttled waits before it tries the rest. */
export const THROTTLED_RETRY_SECONDS = 30;

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

/**
 * Sends one job until done or `deadline` (epoch ms). Recipients are read again (who unsubscribed since the
 * job was planned gets nothing), claimed for SEND_LEASE_MS, sent at the configured pace, and recorded as
 * sent as they go (SES) or together once synced (the file mailer, which cannot deliver twice). What time
 * did not allow goes back to the queue as a new job, what another sender holds as a job delayed past its
 * lease, and what SES throttled past its backoff as a job delayed by THROTTLED_RETRY_SECONDS, so that no
 * retry count is spent on any of them. Any other failure (an outage, a sender SES refuses) releases what
 * was not sent and throws: the queue retries the job, and the ledger skips who has it.
 */
export async function sendJob(p: SendPlatform, job: Extract<EmailJob, { kind: 'send' }>, deadline: number): Promise<SendJobReport> {
  const key = ledgerKeyOf(job.mailing);
  const content = await contentFor(p, job.mailing);
  const wanted = (await p.subscribers.getMany(job.recipients)).filter((s) => content.wants(s));
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
  /** Accepted and recorded as sent already (SES: as each goes). */
  const marked = new Set<string>();
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
      if (!p.mailer.deliversIdempotently) {
        await p.ledger.markSent(key, [s.id]);
        marked.add(s.id);
      }
    } catch (e) {
      // A refusal that names the sender is the sender's (an unverified identity): the job fails.
      const sender = p.config.mailFrom.match(/<([^>]+)>/)?.[1] ?? p.config.mailFrom;
      if (REJECTED.has((e as Error)?.name) && !String((e as Error).message).includes(sender)) rejected.push(s.id);
      else failure ??= e;
    }
  });
  await p.mailer.flush?.();
  // Several messages refused and none taken: the sender is refused (an unverified identity, a paused
  // account), not the recipients. Nothing is recorded as done; the job fails and the queue retries it.
  if (accepted.length === 0 && rejected.length > 1 && failure === undefined) {
    failure = new Error(`SES refused all ${rejected.length} messages of this job; is the sender identity verified?`);
    rejected.length = 0;
  }
  // Recorded for good: accepted messages not recorded above (a mark failed after the provider took one, or
  // the file mailer's, recorded together) and rejected ones. Only what never left is released.
  const toRecord = [...accepted.filter((id) => !marked.has(id)), ...rejected];
  if (toRecord.length) await p.ledger.markSent(key, toRecord);
  const done = new Set([...accepted, ...rejected]);
  const unsent = mine.filter((s) => !done.has(s.id)).map((s) => s.id);
  if (accepted.length) await p.emailStats.add(p.clock.now().toISOString().slice(0, 10), { sent: accepted.length });
  if (failure !== undefined && !(failure instanceof ThrottledError)) {
    await p.ledger.release(key, unsent);
    throw failure;
  }
  if (unsent.length) {
    await p.ledger.release(key, unsent);
    // Throttled past the mailer's backoff, the rest waits a while in the queue; out of time, it goes on at
    // once. Either way without spending a retry.
    const throttled = failure instanceof ThrottledError ? { delaySeconds: THROTTLED_RETRY_SECONDS } : {};
    await p.emailJobs.enqueue([{ kind: 'send', mailing: job.mailing, recipients: unsent }], throttled);
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
