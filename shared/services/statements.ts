// Submitting and signing statements: the domain logic behind POST /v1/statements and its signatures.
import type { StatementEvent } from '../domain/events.js';
import { newStatementId, randomToken, sha256Hex } from '../domain/ids.js';
import { htmlToText, markdownToSafeHtml } from '../domain/markdown.js';
import * as z from '../domain/schema.js';
import { directionOf, type Statement, StatementInput, statementBlobKey, summarise } from '../domain/statement.js';
import { ConflictError, ForbiddenError, fieldIssues, ValidationError } from '../errors.js';
import type { Platform } from '../platform.js';
import { publishAttachmentFiles, resolveAttachments } from './attachments.js';
import { storeNextVersion } from './next-version.js';
import { readStatement, requireStatement, type StatementStore } from './read-statement.js';
import { type ScheduledSubmission, scheduleSubmission } from './scheduling.js';
import { linkTranslation, originalFor } from './translations.js';

const CLOCK_SKEW_MS = 5 * 60_000;

export interface Submission {
  statement: Statement;
  created: boolean;
  /** Set when publishAt lies ahead: nothing is published yet, and `statement` is how it will be (scheduling.ts). */
  scheduled?: ScheduledSubmission['view'];
}

export async function submitStatement(
  p: StatementStore & Pick<Platform, 'parties' | 'clock' | 'config' | 'attachments' | 'scheduled' | 'embargoTimer' | 'site'>,
  actingParty: string,
  body: unknown,
  idempotencyKey?: string,
  /** A scheduled statement's publication (publish-scheduled.ts): its id, and when it was first claimed. */
  given?: { id: string; now: Date },
): Promise<Submission> {
  const parsed = StatementInput.safeParse(body);
  if (!parsed.success) throw new ValidationError('The statement is not valid.', fieldIssues(parsed.error.issues));
  const input = parsed.data;
  if (input.party !== undefined && input.party !== actingParty) {
    throw new ForbiddenError(`This key acts for the party "${actingParty}", not "${input.party}".`);
  }
  await checkCosigners(p, actingParty, input.cosigners);
  const attachments = await resolveAttachments(p, actingParty, input.attachments);
  const now = given?.now ?? p.clock.now();
  if (input.publishedAt && Date.parse(input.publishedAt) > now.getTime() + CLOCK_SKEW_MS) {
    throw new ValidationError('publishedAt is in the future; to publish the statement later, give publishAt instead.', [
      { path: 'publishedAt', message: 'must not be in the future' },
    ]);
  }

  let id = given?.id ?? newStatementId(now);
  if (idempotencyKey !== undefined) {
    // Without the fields a client did not send (defaults): a retry across an upgrade that added them still matches.
    const { attachments, ...sent } = input;
    const fingerprint = sha256Hex(JSON.stringify(attachments.length ? input : sent));
    const held = await p.statements.reserveIdempotencyKey({
      party: actingParty,
      key: idempotencyKey,
      fingerprint,
      statementId: id,
    });
    if (held.fingerprint !== fingerprint) {
      throw new ValidationError('This Idempotency-Key was already used for a different statement.', [
        { path: 'Idempotency-Key', message: 'reused with a different body; use a new key for a new statement' },
      ]);
    }
    id = held.statementId;
    const existing = await readStatement(p, id);
    if (existing) {
      // A retry after a failure between storing a translation and listing it on its original finishes the job.
      await linkTranslation(p, existing);
      return { statement: existing, created: false };
    }
  }

  const original = input.translationOf ? await originalFor(p, actingParty, input.translationOf, input.language) : undefined;
  // --- embargo: a publishAt ahead stores it as scheduled, published at that time (scheduling.ts) ---
  const scheduled = await scheduleSubmission(p, actingParty, input, { id, now, replay: idempotencyKey !== undefined });
  // --- end embargo ---
  const author = await p.parties.get(actingParty);
  // Named cosigners are invited, not signed: each signs with its own key (signStatement).
  const statement = firstVersion(p, input, { id, party: actingParty, now, countries: input.countries ?? (author ? [author.country] : []) });
  statement.invited = [...new Set(input.cosigners.filter((c) => c !== actingParty))];
  if (original) statement.translationOf = original.id;
  if (attachments.length) statement.attachments = attachments;
  if (scheduled)
    return { statement: { ...statement, publishedAt: scheduled.view.publishAt }, created: scheduled.created, scheduled: scheduled.view };
  await publishAttachmentFiles(p, attachments);
  const submission = await storeFirstVersion(p, statement, 'statement.published');
  await linkTranslation(p, submission.statement);
  return submission;
}

/** A statement's text from valid input (a submission's, a correction's): Markdown sanitised once, here, at write time. */
export function textOf(
  p: Pick<Platform, 'config'>,
  input: { title: string; summary: string; body: string; topics: string[] },
): Pick<Statement, 'title' | 'summary' | 'bodyMarkdown' | 'bodyHtml' | 'bodyText' | 'topics'> {
  const bodyHtml = markdownToSafeHtml(input.body, p.config.siteUrl);
  return {
    title: input.title,
    summary: input.summary,
    bodyMarkdown: input.body,
    bodyHtml,
    bodyText: htmlToText(bodyHtml),
    topics: [...new Set(input.topics)],
  };
}

/** A statement's first version from valid input. */
export function firstVersion(
  p: Pick<Platform, 'config'>,
  input: Omit<z.output<typeof StatementInput>, 'translationOf'>,
  at: { id: string; party: string; now: Date; countries: string[] },
): Statement {
  return {
    id: at.id,
    version: 1,
    party: at.party,
    cosigners: [],
    invited: [],
    signatures: [],
    language: input.language,
    dir: directionOf(input.language),
    ...textOf(p, input),
    countries: [...new Set(at.countries)],
    publishedAt: new Date(input.publishedAt ?? at.now).toISOString(),
    createdAt: at.now.toISOString(),
    ...(input.sourceUrl ? { sourceUrl: input.sourceUrl } : {}),
  };
}

/** Stores a first version: its blob, then its row and event in one atomic step (the commit point). */
export async function storeFirstVersion(
  p: StatementStore,
  statement: Statement,
  type: 'statement.published' | 'statement.imported',
): Promise<Submission> {
  // The blob first: the table row is the commit point, and a blob without a row is never read.
  await p.blobs.put(statementBlobKey(statement.id, 1), JSON.stringify(statement), 'application/json');
  const event: StatementEvent = { type, statementId: statement.id, version: 1, party: statement.party, occurredAt: statement.createdAt };
  const created = await p.statements.create(summarise(statement), event);
  if (!created) {
    const existing = await readStatement(p, statement.id);
    if (existing) return { statement: existing, created: false };
  }
  return { statement, created };
}

const SIGN_ATTEMPTS = 5;

/**
 * A party invited as cosigner signs with its own key: the statement's next version lists it, and the
 * signed event re-renders the pages and mails the readers who follow the signer (once per reader).
 * Signing twice changes nothing.
 */
export async function signStatement(p: StatementStore & Pick<Platform, 'clock'>, actingParty: string, id: string): Promise<Submission> {
  for (let attempt = 0; attempt < SIGN_ATTEMPTS; attempt++) {
    const current = await requireStatement(p, id);
    if (current.party === actingParty) throw new ConflictError('The author signs a statement by publishing it; there is nothing to sign.');
    if (current.retraction) throw new ConflictError('This statement was retracted by its author; it can no longer be signed.');
    if (current.cosigners.includes(actingParty)) return { statement: current, created: false };
    if (!current.invited.includes(actingParty)) {
      throw new ForbiddenError(
        `The party "${actingParty}" was not invited to sign this statement; ask its author to name it as a cosigner.`,
      );
    }
    const now = p.clock.now().toISOString();
    const next: Statement = {
      ...current,
      version: current.version + 1,
      cosigners: [...current.cosigners, actingParty],
      invited: current.invited.filter((c) => c !== actingParty),
      signatures: [...current.signatures, { party: actingParty, signedAt: now }],
      revision: randomToken(8),
    };
    const event: StatementEvent = { type: 'statement.signed', statementId: id, version: next.version, party: actingParty, occurredAt: now };
    // Two parties signing at once: one update wins, the other reads again and signs the newer version.
    if (await storeNextVersion(p, current, next, event)) return { statement: next, created: true };
  }
  throw new ConflictError('The statement kept changing while signing; try again.');
}

export async function checkCosigners(p: Pick<Platform, 'parties'>, actingParty: string, cosigners: string[]): Promise<void> {
  const issues = [];
  for (const [i, c] of cosigners.entries()) {
    if (c !== actingParty && !(await p.parties.get(c))) issues.push({ path: `cosigners.${i}`, message: `no party "${c}"` });
  }
  if (issues.length) throw new ValidationError('Some cosigning parties do not exist.', issues);
}

export const ListQuery = z.object({
  party: z.optional(z.string()),
  cursor: z.optional(z.string().check(z.maxLength(500))),
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(100))), 20),
});
