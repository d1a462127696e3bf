// Submitting and reading statements: the domain logic behind POST/GET /v1/statements.
import { z } from 'zod';
import type { StatementEvent } from '../domain/events.js';
import { newStatementId, sha256Hex } from '../domain/ids.js';
import { htmlToText, markdownToSafeHtml } from '../domain/markdown.js';
import {
  directionOf,
  type Statement,
  StatementInput,
  Statement as StatementSchema,
  statementBlobKey,
  summarise,
} from '../domain/statement.js';
import { ForbiddenError, fieldIssues, NotFoundError, ValidationError } from '../errors.js';
import type { Platform } from '../platform.js';

const CLOCK_SKEW_MS = 5 * 60_000;

export interface Submission {
  statement: Statement;
  created: boolean;
}

export async function submitStatement(p: Platform, actingParty: string, body: unknown, idempotencyKey?: string): Promise<Submission> {
  const parsed = StatementInput.safeParse(body);
  if (!parsed.success) throw new ValidationError('The statement is not valid.', fieldIssues(parsed.error.issues));
  const input = parsed.data;
  if (input.party !== undefined && input.party !== actingParty) {
    throw new ForbiddenError(`This key acts for the party "${actingParty}", not "${input.party}".`);
  }
  await checkCosigners(p, actingParty, input.cosigners);
  const now = p.clock.now();
  if (input.publishedAt && Date.parse(input.publishedAt) > now.getTime() + CLOCK_SKEW_MS) {
    throw new ValidationError('publishedAt is in the future; embargoed statements are not supported yet.', [
      { path: 'publishedAt', message: 'must not be in the future' },
    ]);
  }

  let id = newStatementId(now);
  if (idempotencyKey !== undefined) {
    const fingerprint = sha256Hex(JSON.stringify(input));
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
    if (existing) return { statement: existing, created: false };
  }

  const bodyHtml = markdownToSafeHtml(input.body);
  const statement: Statement = {
    id,
    version: 1,
    party: actingParty,
    cosigners: [...new Set(input.cosigners.filter((c) => c !== actingParty))],
    language: input.language,
    dir: directionOf(input.language),
    title: input.title,
    summary: input.summary,
    bodyMarkdown: input.body,
    bodyHtml,
    bodyText: htmlToText(bodyHtml),
    topics: [...new Set(input.topics)],
    publishedAt: new Date(input.publishedAt ?? now).toISOString(),
    createdAt: now.toISOString(),
    ...(input.sourceUrl ? { sourceUrl: input.sourceUrl } : {}),
  };
  // The blob first: the table row is the commit point, and a blob without a row is never read.
  await p.blobs.put(statementBlobKey(id, 1), JSON.stringify(statement), 'application/json');
  const event: StatementEvent = {
    type: 'statement.published',
    statementId: id,
    version: 1,
    party: actingParty,
    occurredAt: now.toISOString(),
  };
  const created = await p.statements.create(summarise(statement), event);
  if (!created) {
    const existing = await readStatement(p, id);
    if (existing) return { statement: existing, created: false };
  }
  return { statement, created };
}

async function checkCosigners(p: Platform, actingParty: string, cosigners: string[]): Promise<void> {
  const issues = [];
  for (const [i, c] of cosigners.entries()) {
    if (c !== actingParty && !(await p.parties.get(c))) issues.push({ path: `cosigners.${i}`, message: `no party "${c}"` });
  }
  if (issues.length) throw new ValidationError('Some cosigning parties do not exist.', issues);
}

/** The full statement, or undefined when no committed statement has this id. */
export async function readStatement(p: Platform, id: string): Promise<Statement | undefined> {
  const row = await p.statements.get(id);
  if (!row) return undefined;
  const bytes = await p.blobs.get(statementBlobKey(id, row.version));
  if (!bytes) throw new Error(`statement ${id} v${row.version} has a row but no blob`);
  return StatementSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

export async function requireStatement(p: Platform, id: string): Promise<Statement> {
  const s = await readStatement(p, id);
  if (!s) throw new NotFoundError(`No statement "${id}".`);
  return s;
}

export const ListQuery = z.object({
  party: z.string().optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
