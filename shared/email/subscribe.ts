// A reader's subscribe request, worked off the API's path: stored (unconfirmed) and answered by email.
import type { EmailJob } from '../domain/mailing.js';
import { newSubscriber, resubscribe, type Subscriber, saveSubscriber, withLinkSecret } from '../domain/subscriber.js';
import type { LinkPurpose } from '../domain/subscriber-links.js';
import type { Platform } from '../platform.js';
import { composeNoticeEmail } from './compose.js';
import { signedLinkUrl } from './links.js';
import { paceFor } from './pace.js';
import { SEND_LEASE_MS } from './send-job.js';

type SubscribePlatform = Pick<Platform, 'config' | 'clock' | 'subscribers' | 'ledger' | 'mailer'>;

export type SubscribeOutcome = 'confirmation sent' | 'preferences link sent' | 'nothing sent';

/**
 * A new address, or one that left, is stored unconfirmed with these choices and mailed a confirmation link;
 * a confirmed address keeps its choices (a stranger must not change them) and is mailed a link to manage
 * them; an address stopped by a bounce or a complaint gets nothing. A redelivered job changes nothing more
 * and mails nothing twice: the notice's ledger entry is the request's.
 */
export async function acceptSubscription(p: SubscribePlatform, job: Extract<EmailJob, { kind: 'subscribe' }>): Promise<SubscribeOutcome> {
  const now = new Date(job.requestedAt);
  let notice: LinkPurpose | undefined;
  const subscriber = await saveSubscriber(p.subscribers, job.request.email, (existing) => {
    notice = undefined;
    if (!existing) {
      notice = 'confirm';
      return newSubscriber(job.request, now, false);
    }
    // Mail stopped by a bounce or a complaint stays stopped: a form cannot restart it.
    if (existing.suppressedFor) return undefined;
    // Confirmed or unsubscribed after this request was made (a late redelivery): the reader has spoken.
    if ((existing.confirmedAt ?? '') > job.requestedAt || (existing.unsubscribedAt ?? '') > job.requestedAt) return undefined;
    if (existing.confirmedAt && !existing.unsubscribedAt) {
      notice = 'preferences';
      // Stored before link secrets: it gets one now, to be sent a link.
      return existing.linkSecret ? undefined : withLinkSecret(existing);
    }
    notice = 'confirm';
    // Asked again before confirming: the latest choices, the same subscriber.
    if (!existing.confirmedAt && !existing.unsubscribedAt && existing.subscribedAt >= job.requestedAt) return undefined;
    return resubscribe(existing, job.request, now, false);
  });
  if (!subscriber || !notice) return 'nothing sent';
  const sent = await sendNotice(p, subscriber, notice, job.requestedAt);
  return sent ? (notice === 'confirm' ? 'confirmation sent' : 'preferences link sent') : 'nothing sent';
}

async function sendNotice(p: SubscribePlatform, s: Subscriber, purpose: LinkPurpose, requestedAt: string): Promise<boolean> {
  // One notice per request, whatever it turns out to be when the job runs again.
  const key = `notice:${requestedAt}`;
  const claim = (await p.ledger.claim(key, [s.id], SEND_LEASE_MS)).get(s.id);
  if (claim === 'sent' || (claim === 'pending' && !p.mailer.deliversIdempotently)) return false;
  try {
    const now = p.clock.now();
    const url = signedLinkUrl(p.config, s, purpose, now);
    const notice =
      purpose === 'confirm'
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
    await paceFor(p)(Number.POSITIVE_INFINITY);
    const raw = await composeNoticeEmail(p.config, s, notice, now);
    await p.mailer.send({ messageKey: `notice-${purpose}-${s.id}-${Date.parse(requestedAt)}`, from: p.config.mailFrom, to: s.email, raw });
    await p.mailer.flush?.();
  } catch (e) {
    await p.ledger.release(key, [s.id]);
    throw e;
  }
  await p.ledger.markSent(key, [s.id]);
  return true;
}
