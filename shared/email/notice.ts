// Notices: the confirmation a new subscription waits for, and the link to manage one that exists.
import type { EmailJob } from '../domain/mailing.js';
import { isActive } from '../domain/subscriber.js';
import type { Platform } from '../platform.js';
import { composeNoticeEmail } from './compose.js';
import { signedLinkUrl } from './links.js';
import { SEND_LEASE_MS } from './send-job.js';

type NoticePlatform = Pick<Platform, 'config' | 'clock' | 'subscribers' | 'ledger' | 'mailer'>;

/**
 * Sends the notice unless it no longer applies (confirmed or unsubscribed meanwhile) or was sent already:
 * each request is one ledger entry, so a redelivered job mails nothing twice.
 */
export async function sendNotice(p: NoticePlatform, job: Extract<EmailJob, { kind: 'notice' }>): Promise<'sent' | 'skipped'> {
  const s = await p.subscribers.get(job.subscriber);
  const applies = s && !s.suppressedFor && (job.purpose === 'confirm' ? !s.confirmedAt && !s.unsubscribedAt : isActive(s));
  if (!s || !applies) return 'skipped';
  const key = `notice:${job.purpose}:${job.requestedAt}`;
  const claim = (await p.ledger.claim(key, [s.id], SEND_LEASE_MS)).get(s.id);
  if (claim === 'sent' || (claim === 'pending' && !p.mailer.deliversIdempotently)) return 'skipped';
  const now = p.clock.now();
  const url = signedLinkUrl(p.config, s, job.purpose, now);
  const notice =
    job.purpose === 'confirm'
      ? {
          subject: 'Confirm your subscription',
          paragraphs: [
            'Someone, probably you, asked to receive statements by email at this address.',
            'Nothing will be sent unless you confirm within two days. If it was not you, ignore this message.',
          ],
          action: { label: 'Confirm the subscription', url },
        }
      : {
          subject: 'Your subscription',
          paragraphs: [
            'Someone, probably you, asked to subscribe this address, which is subscribed already.',
            'You can change what you receive or unsubscribe here.',
          ],
          action: { label: 'Manage your subscription', url },
        };
  try {
    const raw = await composeNoticeEmail(p.config, s, notice, now);
    const messageKey = `notice-${job.purpose}-${s.id}-${Date.parse(job.requestedAt)}`;
    await p.mailer.send({ messageKey, from: p.config.mailFrom, to: s.email, raw });
    await p.mailer.flush?.();
  } catch (e) {
    await p.ledger.release(key, [s.id]);
    throw e;
  }
  await p.ledger.markSent(key, [s.id]);
  return 'sent';
}
