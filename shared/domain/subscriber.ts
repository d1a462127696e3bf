// Email subscribers and the filters that decide which statements reach them.
import { z } from 'zod';
import { randomToken, sameHash, sha256Hex } from './ids.js';
import { canonicalLanguage } from './language.js';
import { PartyId } from './party.js';
import { type StatementSummary, signatories } from './statement.js';

export const SubscriberInput = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  parties: z.array(PartyId).default([]),
  languages: z
    .array(z.string().refine((t) => canonicalLanguage(t) !== undefined, 'not a BCP 47 language tag'))
    .default([])
    .transform((tags) => tags.map((t) => canonicalLanguage(t) as string)),
});
export type SubscriberInput = z.input<typeof SubscriberInput>;

export interface Subscriber {
  /** Derived from the address, so adding the same address again updates it. */
  id: string;
  email: string;
  /** Empty means every party; likewise languages. */
  parties: string[];
  languages: string[];
  /** Kept in clear: every message carries it in its unsubscribe link, and it unlocks nothing else. */
  unsubscribeSecret: string;
  createdAt: string;
  /** When the current subscription began: statements published before it are not sent, even when a
   * backlog delivers them later. Moves forward when an unsubscribed address subscribes again. */
  subscribedAt: string;
  unsubscribedAt?: string;
  /** Set when mail stopped because of SES feedback rather than the reader's click. */
  suppressedFor?: 'bounce' | 'complaint';
}

export function subscriberId(email: string): string {
  return sha256Hex(`subscriber:${email.toLowerCase()}`).slice(0, 20);
}

export function newSubscriber(input: z.output<typeof SubscriberInput>, now: Date): Subscriber {
  const at = now.toISOString();
  return { id: subscriberId(input.email), ...input, unsubscribeSecret: randomToken(20), createdAt: at, subscribedAt: at };
}

/** The same address subscribing again keeps its id and secret; a lapsed subscription starts anew. */
export function resubscribe(existing: Subscriber, input: z.output<typeof SubscriberInput>, now: Date): Subscriber {
  const { unsubscribedAt, suppressedFor, ...rest } = existing;
  return { ...rest, ...input, subscribedAt: unsubscribedAt ? now.toISOString() : existing.subscribedAt };
}

export function unsubscribeToken(s: Subscriber): string {
  return `${s.id}.${s.unsubscribeSecret}`;
}

export function parseUnsubscribeToken(token: string): { id: string; secret: string } | undefined {
  const m = /^([0-9a-f]{20})\.([0-9a-z]{20,64})$/.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined;
}

export function unsubscribeSecretMatches(s: Subscriber, secret: string): boolean {
  return sameHash(sha256Hex(secret), sha256Hex(s.unsubscribeSecret));
}

/** Whether a statement published at `publishedAt` (its event's time) goes to this subscriber. */
export function wantsStatement(
  s: Subscriber,
  st: Pick<StatementSummary, 'party' | 'cosigners' | 'language'>,
  publishedAt: string,
): boolean {
  if (s.unsubscribedAt || s.subscribedAt > publishedAt) return false;
  const partyOk = s.parties.length === 0 || signatories(st).some((p) => s.parties.includes(p));
  const primary = new Intl.Locale(st.language).language;
  const langOk = s.languages.length === 0 || s.languages.some((l) => l === st.language || l === primary);
  return partyOk && langOk;
}
