// Email subscribers: their choices, double opt-in, the buckets they are found by, and who wants a statement.
import { AddressTakenError, StaleWriteError } from '../errors.js';
import type { SubscriberRepository } from '../ports.js';
import { randomToken, sameHash, sha256Hex } from './ids.js';
import { CountryCode, PartyId } from './party.js';
import * as z from './schema.js';
import { LanguageTag, liveTranslations, type StatementSummary, signatories, Topic } from './statement.js';

export const FREQUENCIES = ['immediate', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** At most this many values per choice: a reader follows a few parties, not the whole platform. */
const MAX_CHOICES = 50;
const choice = (item: z.ZodMiniType<string, string>) =>
  z.pipe(
    z._default(z.array(item).check(z.maxLength(MAX_CHOICES)), []),
    z.transform((values: string[]): string[] => [...new Set(values)]),
  );

/** What a reader wants: any combination of parties, countries, languages and topics (empty = all), and how often. */
export const SubscriptionChoices = z.object({
  parties: choice(PartyId),
  countries: choice(z.pipe(z.string().check(z.trim(), z.toUpperCase()), CountryCode)),
  languages: choice(LanguageTag),
  topics: choice(Topic),
  frequency: z._default(z.enum(FREQUENCIES), 'immediate'),
});
export type SubscriptionChoices = z.output<typeof SubscriptionChoices>;

export const EmailAddress = z.pipe(
  z.email().check(z.maxLength(254)),
  z.transform((e) => e.toLowerCase()),
);

export const SubscriberInput = z.extend(SubscriptionChoices, { email: EmailAddress });
export type SubscriberInput = z.input<typeof SubscriberInput>;

export interface Subscriber extends SubscriptionChoices {
  /** Random (see newSubscriberId); the repository finds a subscriber by address with findByEmail. */
  id: string;
  email: string;
  /** Kept in clear: every message carries it in its unsubscribe link, and it unlocks nothing else. */
  unsubscribeSecret: string;
  /**
   * Keys the signatures of the subscriber's confirmation and preferences links (subscriber-links.ts); never
   * mailed, so no email lets anyone make a link. Renewed when an unsubscribed address subscribes again.
   * Absent in subscribers stored before it (withLinkSecret adds it; `subscribers refile` on AWS).
   */
  linkSecret?: string;
  createdAt: string;
  /** When the current subscription began: statements published before it are not sent, even when a
   * backlog delivers them later. Moves forward when an unsubscribed address subscribes again. */
  subscribedAt: string;
  /** Double opt-in: absent until the reader follows the confirmation link; nothing is sent before. */
  confirmedAt?: string;
  /** When the reader last changed how often mail comes: a digest holds only what was stored after it. */
  frequencySince?: string;
  unsubscribedAt?: string;
  /** Set when mail stopped because of SES feedback rather than the reader's click. */
  suppressedFor?: 'bounce' | 'complaint';
  /**
   * How many times it was stored. A put is conditional on it (the repository stores revision + 1 only
   * while the stored record is still at this revision): two writers that read the same record cannot
   * overwrite each other's change; the later one reads again (changeSubscriber, saveSubscriber).
   */
  revision?: number;
}

/** Random, never derived from the address: an id must not let anyone who knows an address find or probe it. */
export function newSubscriberId(): string {
  return randomToken(15);
}

const NO_CHOICES: SubscriptionChoices = { parties: [], countries: [], languages: [], topics: [], frequency: 'immediate' };

/** A subscriber as stored by any version: those stored before choices and opt-in were operators' adds, confirmed. */
export function normaliseSubscriber(stored: Partial<Subscriber> & Pick<Subscriber, 'id' | 'email'>): Subscriber {
  const legacy = stored.frequency === undefined;
  const s = { ...NO_CHOICES, ...stored } as Subscriber;
  return legacy && !s.confirmedAt ? { ...s, confirmedAt: s.subscribedAt } : s;
}

/**
 * A new subscriber (choices left out take everything, immediately); `confirmed` for an operator's add or
 * import, otherwise awaiting the reader's confirmation.
 */
export function newSubscriber(input: { email: string } & Partial<SubscriptionChoices>, now: Date, confirmed = true): Subscriber {
  const at = now.toISOString();
  return {
    id: newSubscriberId(),
    ...NO_CHOICES,
    ...input,
    unsubscribeSecret: randomToken(20),
    linkSecret: randomToken(20),
    createdAt: at,
    subscribedAt: at,
    ...(confirmed ? { confirmedAt: at } : {}),
  };
}

/** The same address subscribing again keeps its id and secret; a lapsed subscription starts anew. */
export function resubscribe(
  existing: Subscriber,
  input: { email: string } & Partial<SubscriptionChoices>,
  now: Date,
  confirmed = true,
): Subscriber {
  const { unsubscribedAt, suppressedFor, confirmedAt, ...rest } = existing;
  const at = now.toISOString();
  const renewed = unsubscribedAt !== undefined;
  const stillConfirmed = confirmedAt !== undefined && !renewed;
  return {
    ...rest,
    ...NO_CHOICES,
    ...input,
    // Links made before the address left confirm nothing now.
    ...(renewed || !rest.linkSecret ? { linkSecret: randomToken(20) } : {}),
    subscribedAt: renewed ? at : existing.subscribedAt,
    ...(stillConfirmed ? { confirmedAt } : confirmed ? { confirmedAt: at } : {}),
  };
}

/** The subscriber with a link secret, one made now if it was stored before link secrets existed. */
export function withLinkSecret(s: Subscriber): Subscriber {
  return s.linkSecret ? s : { ...s, linkSecret: randomToken(20) };
}

export function isActive(s: Subscriber): boolean {
  return s.confirmedAt !== undefined && s.unsubscribedAt === undefined;
}

/** The subscriber with new choices; a change of frequency is dated (a digest starts from it). */
export function withChoices(s: Subscriber, choices: SubscriptionChoices, now: Date): Subscriber {
  return { ...s, ...choices, ...(choices.frequency !== s.frequency ? { frequencySince: now.toISOString() } : {}) };
}

/** The subscriber's choices, e.g. to show them or to copy them into another record. */
export function choicesOf(s: Subscriber): SubscriptionChoices {
  return { parties: s.parties, countries: s.countries, languages: s.languages, topics: s.topics, frequency: s.frequency };
}

/**
 * The buckets a subscriber is stored under, so that a statement's recipients are found by query (page by
 * page) instead of by reading everyone: an active immediate subscriber under each value of its first
 * non-empty choice (parties, then countries, languages, topics), or under `all`; a digest reader under
 * its digest. A statement's buckets (statementBuckets) hold everyone who may want it; the rest of the
 * choices are checked on each one found.
 */
export function subscriberBuckets(s: Subscriber): string[] {
  if (!isActive(s)) return [];
  if (s.frequency !== 'immediate') return [`digest:${s.frequency}`];
  if (s.parties.length) return s.parties.map((p) => `party:${p}`);
  if (s.countries.length) return s.countries.map((c) => `country:${c}`);
  if (s.languages.length) return s.languages.map((l) => `language:${l}`);
  if (s.topics.length) return s.topics.map((t) => `topic:${t}`);
  return ['all'];
}

type Matchable = Pick<StatementSummary, 'party' | 'cosigners' | 'language'> &
  Partial<Pick<StatementSummary, 'topics' | 'countries' | 'translations'>>;

/** The languages a statement is in: its own and its translations'. */
function languagesOf(st: Matchable): string[] {
  return [st.language, ...liveTranslations(st).map((t) => t.language)];
}

const primaries = new Map<string, string>();
function primaryLanguage(tag: string): string {
  let primary = primaries.get(tag);
  if (primary === undefined) {
    primary = new Intl.Locale(tag).language;
    if (primaries.size < 1_000) primaries.set(tag, primary);
  }
  return primary;
}

/** Every bucket whose subscribers may want the statement, in a fixed order (see isOwnBucket). */
export function statementBuckets(st: Matchable): string[] {
  const languages = [...new Set(languagesOf(st).flatMap((l) => [l, primaryLanguage(l)]))];
  return [
    'all',
    ...signatories(st).map((p) => `party:${p}`),
    ...(st.countries ?? []).map((c) => `country:${c}`),
    ...languages.map((l) => `language:${l}`),
    ...(st.topics ?? []).map((t) => `topic:${t}`),
  ];
}

/**
 * A subscriber stored under two of a statement's buckets (parties [a, b], a statement of a and b) is
 * mailed from the first of them only: the walk needs no memory of whom it has met.
 */
export function isOwnBucket(s: Subscriber, bucket: string, statementBucketList: readonly string[]): boolean {
  return subscriberBuckets(s).find((b) => statementBucketList.includes(b)) === bucket;
}

/** Whether the subscriber chose this language (or its primary language: "pt" for "pt-BR"); anyone who chose none does. */
export function speaks(s: Pick<SubscriptionChoices, 'languages'>, language: string): boolean {
  const primary = primaryLanguage(language);
  return s.languages.length === 0 || s.languages.some((l) => l === language || l === primary);
}

/** Whether the statement matches every choice of the subscriber (an empty choice takes anything). */
export function matchesChoices(s: SubscriptionChoices, st: Matchable): boolean {
  const partyOk = s.parties.length === 0 || signatories(st).some((p) => s.parties.includes(p));
  const langOk = s.languages.length === 0 || languagesOf(st).some((language) => speaks(s, language));
  const countryOk = s.countries.length === 0 || (st.countries ?? []).some((c) => s.countries.includes(c));
  const topicOk = s.topics.length === 0 || (st.topics ?? []).some((t) => s.topics.includes(t));
  return partyOk && langOk && countryOk && topicOk;
}

/** Whether a statement published at `publishedAt` (its event's time) goes to this subscriber. */
export function wantsStatement(s: Subscriber, st: Matchable, publishedAt: string): boolean {
  if (!isActive(s) || s.subscribedAt > publishedAt || (s.confirmedAt ?? '') > publishedAt) return false;
  return matchesChoices(s, st);
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

/** Attempts of a read-modify-write of a subscriber before a writer that keeps losing gives up. */
const ATTEMPTS = 5;

async function readModifyWrite(
  subscribers: SubscriberRepository,
  read: () => Promise<Subscriber | undefined>,
  change: (existing: Subscriber | undefined) => Subscriber | undefined,
): Promise<Subscriber | undefined> {
  for (let attempt = 1; ; attempt++) {
    const existing = await read();
    const subscriber = change(existing);
    if (!subscriber) return existing;
    try {
      await subscribers.put(subscriber);
      return { ...subscriber, revision: (subscriber.revision ?? 0) + 1 };
    } catch (e) {
      const lost = e instanceof AddressTakenError || e instanceof StaleWriteError;
      if (!lost || attempt === ATTEMPTS) throw e;
    }
  }
}

/**
 * Adds a subscriber, or updates the one that holds the address. Two adds of one address racing each
 * other: the repository lets one claim the address, and the other retries as an update of it; two updates
 * racing: the later one reads again. `change` decides the record to store from the one found (undefined
 * for a new address), or undefined to store nothing.
 */
export function saveSubscriber(
  subscribers: SubscriberRepository,
  email: string,
  change: (existing: Subscriber | undefined) => Subscriber | undefined,
): Promise<Subscriber | undefined> {
  return readModifyWrite(subscribers, () => subscribers.findByEmail(email), change);
}

/** Changes the subscriber with this id (read again whenever another writer changed it meanwhile). */
export function changeSubscriber(
  subscribers: SubscriberRepository,
  id: string,
  change: (existing: Subscriber) => Subscriber | undefined,
): Promise<Subscriber | undefined> {
  return readModifyWrite(
    subscribers,
    () => subscribers.get(id),
    (existing) => (existing ? change(existing) : undefined),
  );
}

/** An operator's add: confirmed, with these choices (the address's earlier record keeps its id). */
export async function saveSubscription(
  subscribers: SubscriberRepository,
  input: z.output<typeof SubscriberInput>,
  now: Date,
): Promise<Subscriber> {
  return (await saveSubscriber(subscribers, input.email, (existing) =>
    existing ? resubscribe(existing, input, now) : newSubscriber(input, now),
  )) as Subscriber;
}
