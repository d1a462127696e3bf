// Email subscribers and the filters that decide which statements reach them.
import { AddressTakenError } from '../errors.js';
import type { SubscriberRepository } from '../ports.js';
import { randomToken, sameHash, sha256Hex } from './ids.js';
import { canonicalLanguage } from './language.js';
import { PartyId } from './party.js';
import * as z from './schema.js';
import { type StatementSummary, signatories } from './statement.js';

export const SubscriberInput = z.object({
  email: z.pipe(
    z.email().check(z.maxLength(254)),
    z.transform((e) => e.toLowerCase()),
  ),
  parties: z._default(z.array(PartyId), []),
  languages: z.pipe(
    z._default(z.array(z.string().check(z.refine((t) => canonicalLanguage(t) !== undefined, 'not a BCP 47 language tag'))), []),
    z.transform((tags) => tags.map((t) => canonicalLanguage(t) as string)),
  ),
});
export type SubscriberInput = z.input<typeof SubscriberInput>;

export interface Subscriber {
  /** Random (see newSubscriberId); the repository finds a subscriber by address with findByEmail. */
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

/** Random, never derived from the address: an id must not let anyone who knows an address find or probe it. */
export function newSubscriberId(): string {
  return randomToken(15);
}

export function newSubscriber(input: z.output<typeof SubscriberInput>, now: Date): Subscriber {
  const at = now.toISOString();
  return { id: newSubscriberId(), ...input, unsubscribeSecret: randomToken(20), createdAt: at, subscribedAt: at };
}

/** The same address subscribing again keeps its id and secret; a lapsed subscription starts anew. */
export function resubscribe(existing: Subscriber, input: z.output<typeof SubscriberInput>, now: Date): Subscriber {
  const { unsubscribedAt, suppressedFor, ...rest } = existing;
  return { ...rest, ...input, subscribedAt: unsubscribedAt ? now.toISOString() : existing.subscribedAt };
}

export function unsubscribeToken(s: Subscriber): string {
  return `${s.id}.${s.unsubscribeSecret}`;
}

/** Today's random ids (24 base32 characters) and the 20-hex ids of subscribers added before them. */
export const UNSUBSCRIBE_TOKEN = /^([0-9a-z]{20,32})\.([0-9a-z]{20,64})$/;

export function parseUnsubscribeToken(token: string): { id: string; secret: string } | undefined {
  const m = UNSUBSCRIBE_TOKEN.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined;
}

/** Stands in for the secret of an unknown id, so that a miss costs the same hashing and comparison as a hit. */
const DUMMY_SECRET = randomToken(20);

/** Whether the secret unlocks this subscriber; false for an unknown one, after the same work. */
export function unsubscribeSecretMatches(s: Subscriber | undefined, secret: string): boolean {
  const matches = sameHash(sha256Hex(secret), sha256Hex(s?.unsubscribeSecret ?? DUMMY_SECRET));
  return matches && s !== undefined;
}

/**
 * Adds a subscriber, or updates the one that holds the address. Two adds of one address racing each
 * other: the repository lets one claim the address, and the other retries as an update of it.
 */
export async function saveSubscription(
  subscribers: SubscriberRepository,
  input: z.output<typeof SubscriberInput>,
  now: Date,
): Promise<Subscriber> {
  for (let attempt = 1; ; attempt++) {
    const existing = await subscribers.findByEmail(input.email);
    const subscriber = existing ? resubscribe(existing, input, now) : newSubscriber(input, now);
    try {
      await subscribers.put(subscriber);
      return subscriber;
    } catch (e) {
      if (!(e instanceof AddressTakenError) || attempt === 3) throw e;
    }
  }
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
