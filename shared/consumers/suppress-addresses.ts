// suppress-addresses: SES bounce and complaint notifications stop all mail to those subscribers.
import * as z from '../domain/schema.js';
import { type Subscriber, saveSubscriber } from '../domain/subscriber.js';
import type { Platform } from '../platform.js';

const Recipients = z.array(z.object({ emailAddress: z.string() }));

/** An SES event publishing record (configuration set -> SNS), as much of it as this needs. */
export const SesFeedback = z.object({
  eventType: z.enum(['Bounce', 'Complaint']),
  bounce: z.optional(z.object({ bounceType: z.string(), bouncedRecipients: Recipients })),
  complaint: z.optional(z.object({ complainedRecipients: Recipients })),
  mail: z.object({ messageId: z.string() }),
});
export type SesFeedback = z.infer<typeof SesFeedback>;

/** Addresses to stop mailing: complaints, and permanent bounces (a transient bounce may pass). */
export function addressesToSuppress(f: SesFeedback): Array<{ email: string; reason: 'bounce' | 'complaint' }> {
  if (f.eventType === 'Complaint')
    return (f.complaint?.complainedRecipients ?? []).map((r) => ({ email: r.emailAddress, reason: 'complaint' }));
  if (f.bounce?.bounceType !== 'Permanent') return [];
  return f.bounce.bouncedRecipients.map((r) => ({ email: r.emailAddress, reason: 'bounce' }));
}

/**
 * Stops mail to the addresses, and counts each address it stops in the day's email stats (`email stats`):
 * once, so a redelivered notification counts nothing again.
 */
export async function suppressAddresses(
  p: Pick<Platform, 'subscribers' | 'clock' | 'emailStats'>,
  feedback: SesFeedback,
): Promise<string[]> {
  const suppressed: string[] = [];
  const counts = { bounces: 0, complaints: 0 };
  for (const { email, reason } of addressesToSuppress(feedback)) {
    let stopped = false;
    const subscriber = await saveSubscriber(p.subscribers, email, (existing) => {
      stopped = existing !== undefined && !existing.unsubscribedAt;
      return stopped ? { ...(existing as Subscriber), unsubscribedAt: p.clock.now().toISOString(), suppressedFor: reason } : undefined;
    });
    if (!stopped || !subscriber) continue;
    suppressed.push(subscriber.id);
    counts[reason === 'bounce' ? 'bounces' : 'complaints']++;
  }
  if (suppressed.length) await p.emailStats.add(p.clock.now().toISOString().slice(0, 10), counts);
  return suppressed;
}
