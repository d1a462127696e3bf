// Statements: what a press office submits (StatementInput) and what the platform stores (Statement).
import { z } from 'zod';
import { canonicalLanguage, textDirection } from './language.js';
import { PartyId } from './party.js';

const Topic = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}-]{0,47}$/u, 'a topic is a short slug of letters, digits and hyphens');

const LanguageTag = z
  .string()
  .refine((t) => canonicalLanguage(t) !== undefined, 'not a BCP 47 language tag (for example "el", "fa", "pt-BR")')
  .transform((t) => canonicalLanguage(t) as string);

/** One line of plain text: no control characters. */
const Line = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must be a single line of text');

/** The body of POST /v1/statements. */
export const StatementInput = z.strictObject({
  /** Defaults to the key's party; any other party is refused (403). */
  party: PartyId.optional(),
  title: Line(300).min(1),
  summary: z.string().trim().max(2_000).default(''),
  body: z.string().min(1).max(500_000),
  language: LanguageTag,
  topics: z.array(Topic).max(20).default([]),
  cosigners: z.array(PartyId).max(200).default([]),
  publishedAt: z.iso.datetime({ offset: true }).optional(),
  sourceUrl: z
    .url({ protocol: /^https?$/ })
    .max(2_000)
    .optional(),
});
export type StatementInput = z.input<typeof StatementInput>;
export type ValidStatementInput = z.output<typeof StatementInput>;

/** The canonical stored statement (blob), body included. */
export const Statement = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  party: PartyId,
  cosigners: z.array(PartyId),
  language: z.string(),
  dir: z.enum(['ltr', 'rtl']),
  title: z.string(),
  summary: z.string(),
  bodyMarkdown: z.string(),
  /** Sanitised HTML rendered from bodyMarkdown at write time. */
  bodyHtml: z.string(),
  /** Plain text of the body, for search and email. */
  bodyText: z.string(),
  topics: z.array(z.string()),
  publishedAt: z.string(),
  createdAt: z.string(),
  sourceUrl: z.string().optional(),
});
export type Statement = z.infer<typeof Statement>;

/** The row the table keeps for listings: everything but the body. */
export type StatementSummary = Omit<Statement, 'bodyMarkdown' | 'bodyHtml' | 'bodyText'>;

export function summarise(s: Statement): StatementSummary {
  const { bodyMarkdown: _m, bodyHtml: _h, bodyText: _t, ...summary } = s;
  return summary;
}

/** Every party that signs the statement, author first. */
export function signatories(s: Pick<Statement, 'party' | 'cosigners'>): string[] {
  return [s.party, ...s.cosigners.filter((c) => c !== s.party)];
}

export function directionOf(language: string): 'ltr' | 'rtl' {
  return textDirection(language);
}

/** Sort key shared by both table adapters: newest first when sorted descending. */
export function listingKey(s: Pick<Statement, 'publishedAt' | 'id'>): string {
  return `${new Date(s.publishedAt).toISOString()}#${s.id}`;
}

export function statementBlobKey(id: string, version: number): string {
  return `statements/${id}/v${version}.json`;
}

export function statementPath(id: string): string {
  return `/statements/${id}/`;
}
