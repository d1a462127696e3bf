// The sender: one send job (a few dozen recipients of one mailing), claimed in the ledger, paced, recorded.
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { inParallel } from '../concurrency/in-parallel.js';
import type { EmailJob } from '../domain/mailing.js';
import { ledgerKeyOf } from '../domain/mailing.js';
import type { Subscriber } from '../domain/subscriber.js';
import { UnfinishedJobError } from '../errors.js';
import type { Platform } from '../platform.js';
import { contentFor } from './mail-content.js';
import { paceFor } from './pace.js';

/**
 * How long a claim holds a recipient: longer than any send job runs (a job of 50 at SES's default 14 a
 * second takes under 10 s; the embedded platform's jobs of 250 files take about a second), shorter than the queue's redelivery (SQS visibility: 6 x 60 s), so that a
 * job whose sender died finds its claims free again when it comes back.
 */
export const SEND_LEASE_MS = 2 * 60_000;

/** Messages handed to the mailer at once: the file mailer's syncs overlap; SES calls are paced anyway. */
const SENDS_AT_ONCE = 8;

export interface SendJobReport {
  sent: string[];
  /** Already mailed, no longer wanted (unsubscribed, choices changed), or nothing for them in a digest. */
  skipped: number;
}

type SendPlatform = Pick<
  Platform,
  'config' | 'clock' | 'subscribers' | 'ledger' | 'mailer' | 'emailStats' | 'parties' | 'statements' | 'blobs'
>;

/**
 * Sends one job until done or `deadline` (epoch ms). Recipients are read again (who unsubscribed since the
 * job was planned gets nothing), claimed for SEND_LEASE_MS, sent at the configured pace, and recorded as
 * sent as they go (SES) or together at the end (the file mailer, which cannot deliver twice). What was not
 * sent is released and the job fails with UnfinishedJobError, so the queue's retry mails only the rest.
 */
export async function sendJob(p: SendPlatform, job: Extract<EmailJob, { kind: 'send' }>, deadline: number): Promise<SendJobReport> {
  const key = ledgerKeyOf(job.mailing);
  const content = await contentFor(p, job.mailing);
  const found = await p.subscribers.getMany(job.recipients);
  const wanted = found.filter((s) => content.wants(s));
  const claims = await p.ledger.claim(
    key,
    wanted.map((s) => s.id),
    SEND_LEASE_MS,
  );
  // 'pending' under a live lease: another sender has it, or one that died did. Only a mailer that cannot
  // deliver twice may send it now; with SES the claim's expiry decides (the retry comes after it).
  const mine = wanted.filter((s) => claims.get(s.id) === 'claimed' || (claims.get(s.id) === 'pending' && p.mailer.deliversIdempotently));
  const heldElsewhere = wanted.filter((s) => claims.get(s.id) === 'pending' && !p.mailer.deliversIdempotently).length;
  const pace = paceFor(p);
  const sent: string[] = [];
  let failure: unknown;
  await inParallel(mine, SENDS_AT_ONCE, async (s: Subscriber) => {
    if (failure !== undefined || Date.now() >= deadline) return;
    // A file mailer never waits on I/O here: let requests and other consumers in between messages.
    await yieldToEvents();
    try {
      await pace();
      const raw = await content.compose(s, p.clock.now());
      await p.mailer.send({ messageKey: `${key.replace(/[^a-z0-9-]/gi, '-')}-${s.id}`, from: p.config.mailFrom, to: s.email, raw });
      if (!p.mailer.deliversIdempotently) await p.ledger.markSent(key, [s.id]);
      sent.push(s.id);
    } catch (e) {
      failure ??= e;
    }
  });
  if (p.mailer.deliversIdempotently && sent.length) {
    await p.mailer.flush?.();
    await p.ledger.markSent(key, sent);
  }
  const done = new Set(sent);
  const unsent = mine.filter((s) => !done.has(s.id)).map((s) => s.id);
  if (unsent.length) await p.ledger.release(key, unsent);
  if (sent.length) await p.emailStats.add(p.clock.now().toISOString().slice(0, 10), { sent: sent.length });
  if (failure !== undefined) throw failure;
  if (unsent.length || heldElsewhere) {
    throw new UnfinishedJobError(
      `${sent.length} of ${wanted.length} recipients mailed; ${unsent.length} left for lack of time, ${heldElsewhere} claimed by another sender: the retry sends the rest`,
    );
  }
  return { sent, skipped: job.recipients.length - sent.length };
}
