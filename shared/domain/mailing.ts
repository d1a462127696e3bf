// Mailings: a statement's or a digest period's fan-out, walked page by page into send jobs of a few dozen recipients.
import { StatementEvent } from './events.js';
import * as z from './schema.js';
import { SubscriberInput } from './subscriber.js';

export const DIGEST_FREQUENCIES = ['daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export const MailingSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('statement'), event: StatementEvent }),
  /** The statements stored in [start, end) (ISO times), to each digest reader of that frequency. */
  z.object({ kind: z.literal('digest'), frequency: z.enum(DIGEST_FREQUENCIES), start: z.string(), end: z.string() }),
]);
export type MailingSpec = z.infer<typeof MailingSpec>;

/**
 * Recipients per send job: on Lambda a job's claims and SES calls finish well within one invocation (50 at
 * SES's pace); the embedded platform writes files, and larger jobs spend fewer commits per message.
 */
export const RECIPIENTS_PER_JOB = 50;
export const MAX_RECIPIENTS_PER_JOB = 500;

export const EmailJob = z.discriminatedUnion('kind', [
  /** Walk the mailing on from where it stopped (any number of these may exist; one walks at a time). */
  z.object({ kind: z.literal('plan'), mailing: MailingSpec }),
  z.object({
    kind: z.literal('send'),
    mailing: MailingSpec,
    recipients: z.array(z.string()).check(z.minLength(1), z.maxLength(MAX_RECIPIENTS_PER_JOB)),
  }),
  /**
   * A reader's subscribe request, taken by the API at `requestedAt`: stored and answered by email (a
   * confirmation link, or a link to manage an existing subscription) off the request's path, so the API
   * answers alike, in time too, whatever the address. Its own queue: it never waits behind a mailing.
   */
  z.object({ kind: z.literal('subscribe'), request: SubscriberInput, requestedAt: z.string() }),
]);

/** The jobs that go to the notices queue rather than the mailing queue. */
export function isNotice(job: EmailJob): boolean {
  return job.kind === 'subscribe';
}
export type EmailJob = z.infer<typeof EmailJob>;

/**
 * A statement is mailed to a reader once, whatever its later versions: the ledger entry is the first
 * version's. A cosigner's later signature thus reaches only the readers who follow that signer and had not
 * had the statement yet. A correction the office sends again is mailed under its own version's entry.
 */
const MAILED_VERSION = 1;

/** The send ledger's key: what a reader must never get twice. */
export function ledgerKeyOf(spec: MailingSpec): string {
  if (spec.kind === 'digest') return `digest:${spec.frequency}:${spec.start}`;
  const e = spec.event;
  return `${e.statementId}#${e.type === 'statement.corrected' ? e.version : MAILED_VERSION}`;
}

/** One walk per publication, per signature, per translation, per correction sent again, and per digest period. */
export function mailingIdOf(spec: MailingSpec): string {
  if (spec.kind === 'digest') return `digest:${spec.frequency}:${spec.start}`;
  const e = spec.event;
  if (e.type === 'statement.signed') return `${e.statementId}:signed:${e.party}`;
  if (e.type === 'statement.corrected') return `${e.statementId}:corrected:${e.version}`;
  if (e.type === 'statement.translated') return `${e.statementId}:translated:${e.version}`;
  return `${e.statementId}:published`;
}

/** Where a mailing's walk stands. */
export interface Mailing {
  id: string;
  spec: MailingSpec;
  /** The subscriber buckets to walk, in order (fixed when the mailing starts). */
  buckets: string[];
  /** The bucket being walked, and the cursor within it (absent: from its start). */
  bucket: number;
  cursor?: string;
  done: boolean;
  /** Send jobs enqueued and recipients in them so far (a page walked twice after a crash counts twice). */
  jobs: number;
  recipients: number;
  startedAt: string;
  finishedAt?: string;
}

/** The periods of a digest that ended at or before `now` and began at most `lookbackPeriods` periods before the last. */
export function endedPeriods(frequency: DigestFrequency, now: Date, lookbackPeriods: number): Array<{ start: string; end: string }> {
  const day = 24 * 60 * 60 * 1000;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // Weeks begin on Monday (ISO 8601).
  const length = frequency === 'daily' ? day : 7 * day;
  const lastEnd = frequency === 'daily' ? midnight : midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * day;
  return Array.from({ length: lookbackPeriods }, (_, i) => {
    const end = lastEnd - i * length;
    return { start: new Date(end - length).toISOString(), end: new Date(end).toISOString() };
  });
}
