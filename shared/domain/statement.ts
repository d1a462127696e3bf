// Statements: what a press office submits (StatementInput) and what the platform stores (Statement).
import { canonicalLanguage, textDirection } from './language.js';
import { CountryCode, PartyId } from './party.js';
import * as z from './schema.js';

/** A topic slug, as statements and subscriptions name them. */
export const Topic = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^[\p{L}\p{N}][\p{L}\p{N}-]{0,47}$/u, 'a topic is a short slug of letters, digits and hyphens'),
  );

export const LanguageTag = z.pipe(
  z.string().check(z.refine((t) => canonicalLanguage(t) !== undefined, 'not a BCP 47 language tag (for example "el", "fa", "pt-BR")')),
  z.transform((t) => canonicalLanguage(t) as string),
);

/** One line of plain text: no control characters. */
const Line = (max: number) => z.string().check(z.trim(), z.maxLength(max), z.regex(/^[^\p{Cc}]*$/u, 'must be a single line of text'));

/** Paragraphs of text: line breaks and tabs are the only control characters (\p{Cc}) allowed. */
const Text = (max: number, allowed: RegExp, message: string) =>
  z.string().check(
    z.maxLength(max),
    z.refine((text) => !/\p{Cc}/u.test(text.replace(allowed, '')), message),
  );

/** Before this, a date is a typo (year 0000, 0202); paging cursors and the email's Date header need a real one. */
export const EARLIEST_PUBLISHED_AT = '1900-01-01T00:00:00Z';

const IsoTime = z.iso
  .datetime({ offset: true })
  .check(z.refine((at) => !(Date.parse(at) < Date.parse(EARLIEST_PUBLISHED_AT)), `must be ${EARLIEST_PUBLISHED_AT} or later`));

/** Attachment ids: given by the platform when an upload is prepared (POST /v1/attachments). */
export const AttachmentId = z.string().check(z.regex(/^at-[a-z0-9]{8,40}$/, 'an attachment id as POST /v1/attachments gave it ("at-…")'));

/** An attachment as a statement names it: an uploaded file of its party, with the alt text of an image. */
export const AttachmentRef = z.strictObject({
  id: AttachmentId,
  /** What an image shows, for readers who cannot see it; required for images. */
  alt: z.optional(Line(500)),
});

export type AttachmentRef = z.infer<typeof AttachmentRef>;

export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;

/** An attachment as the stored statement carries it, checked by its content when it was attached. */
export const Attachment = z.object({
  id: z.string(),
  /** The file name the office gave (shown, and offered when saving), made safe for a URL path. */
  name: z.string(),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.int(),
  alt: z.optional(z.string()),
});
export type Attachment = z.infer<typeof Attachment>;

/** The body of POST /v1/statements. */
export const StatementInput = z.strictObject({
  /** Defaults to the key's party; any other party is refused (403). */
  party: z.optional(PartyId),
  title: Line(300).check(z.minLength(1)),
  summary: z._default(
    z.pipe(
      z.pipe(
        z.string().check(z.trim()),
        z.transform((t) => t.replace(/\r\n?/g, '\n')),
      ),
      Text(2_000, /[\n\t]/g, 'may hold line breaks and tabs, but no other control characters'),
    ),
    '',
  ),
  body: Text(500_000, /[\n\r\t]/g, 'may hold line breaks and tabs, but no other control characters').check(z.minLength(1)),
  language: LanguageTag,
  topics: z._default(z.array(Topic).check(z.maxLength(20)), []),
  cosigners: z._default(z.array(PartyId).check(z.maxLength(200)), []),
  /** When it was published elsewhere first (an archive's date); not in the future. */
  publishedAt: z.optional(IsoTime),
  /** An embargo: stored as scheduled, invisible everywhere until this time, then published. */
  publishAt: z.optional(IsoTime),
  sourceUrl: z.optional(z.url({ protocol: /^https?$/ }).check(z.maxLength(2_000))),
  /** Default: the author's country. */
  countries: z.optional(z.array(CountryCode).check(z.minLength(1), z.maxLength(20))),
  /** The statement (of the same party) this one translates. */
  translationOf: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a statement id'))),
  attachments: z._default(z.array(AttachmentRef).check(z.maxLength(20)), []),
});
export type StatementInput = z.input<typeof StatementInput>;
export type ValidStatementInput = z.output<typeof StatementInput>;

/**
 * The body of PUT /v1/statements/{id} on a published statement: its new text, with the public note that
 * says what was corrected. Party, language and date stay; the old version stays stored.
 */
export const CorrectionInput = z.strictObject({
  title: Line(300).check(z.minLength(1)),
  summary: StatementInput.shape.summary,
  body: StatementInput.shape.body,
  topics: StatementInput.shape.topics,
  countries: StatementInput.shape.countries,
  sourceUrl: StatementInput.shape.sourceUrl,
  attachments: StatementInput.shape.attachments,
  /** Shown on the page beside the date of the correction: "Corrected the date of the rally". */
  correctionNote: Line(500).check(z.minLength(1)),
  /** Mail the corrected version to the statement's subscribers again (default: no). */
  notifySubscribers: z._default(z.boolean(), false),
});
export type CorrectionInput = z.input<typeof CorrectionInput>;

/** The body of POST /v1/statements/{id}/retraction. */
export const RetractionInput = z.strictObject({ reason: Line(1_000).check(z.minLength(1)) });

/** A correction as the statement records it: the version it made (its blob: `revision`), when, and why. */
export const Correction = z.object({
  version: z.int().check(z.positive()),
  revision: z.optional(z.string()),
  at: z.string(),
  note: z.string(),
  notified: z._default(z.boolean(), false),
});
export type Correction = z.infer<typeof Correction>;

/**
 * A translation as the statement it translates lists it: its id, its language, the version that added it,
 * and whether it was retracted since (then it is no language version any more, but stays listed: a rebuild
 * finds its page through here).
 */
export const Translation = z.object({
  id: z.string(),
  language: z.string(),
  version: z.optional(z.int()),
  retracted: z.optional(z.boolean()),
});
export type Translation = z.infer<typeof Translation>;

/** The translations readers are offered: those not retracted. */
export function liveTranslations(s: { translations?: Translation[] | undefined }): Translation[] {
  return (s.translations ?? []).filter((t) => !t.retracted);
}

/** The canonical stored statement (blob), body included. */
export const Statement = z.object({
  id: z.string(),
  version: z.int().check(z.positive()),
  party: PartyId,
  /** The parties that have signed with their own keys (statements stored before signatures: as submitted). */
  cosigners: z.array(PartyId),
  /** Parties the author named that have not signed yet: the statement is not theirs until they do. */
  invited: z._default(z.array(PartyId), []),
  /** When each cosigner signed, in signing order. */
  signatures: z._default(z.array(z.object({ party: PartyId, signedAt: z.string() })), []),
  /**
   * Names this version's blob among concurrent attempts to write the same version (two parties signing at
   * once): each attempt writes its own blob, and the row that wins says which. Absent for first versions.
   */
  revision: z.optional(z.string()),
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
  /** The countries the statement is about or from (its author's, unless said otherwise). */
  countries: z._default(z.array(CountryCode), []),
  /** The statement this one translates, by id. */
  translationOf: z.optional(z.string()),
  /** On a statement that others translate: each translation, in the order they were published. */
  translations: z.optional(z.array(Translation)),
  /** Every correction, oldest first; the text shown is the last one's. */
  corrections: z.optional(z.array(Correction)),
  /** Once retracted: the page keeps its URL and shows this instead of the text. */
  retraction: z.optional(z.object({ at: z.string(), reason: z.string(), version: z.int() })),
  attachments: z.optional(z.array(Attachment)),
  publishedAt: z.string(),
  createdAt: z.string(),
  sourceUrl: z.optional(z.string()),
});
export type Statement = z.infer<typeof Statement>;

/** The row the table keeps for listings: everything but the body. */
export type StatementSummary = Omit<Statement, 'bodyMarkdown' | 'bodyHtml' | 'bodyText'>;

export function summarise(s: Statement): StatementSummary {
  const { bodyMarkdown: _m, bodyHtml: _h, bodyText: _t, ...summary } = s;
  return summary;
}

/** When the statement's text or standing last changed: its retraction, its last correction, or its publication. */
export function lastChangeOf(s: Pick<Statement, 'publishedAt' | 'retraction' | 'corrections'>): string {
  return s.retraction?.at ?? s.corrections?.at(-1)?.at ?? s.publishedAt;
}

/** Whether the statement still waits for this party's signature: invited, not signed, not retracted. */
export function awaitsSignatureOf(s: Pick<Statement, 'invited' | 'cosigners' | 'retraction'>, party: string): boolean {
  return !s.retraction && (s.invited ?? []).includes(party) && !s.cosigners.includes(party);
}

/** When its page last changed: its last signature, correction or retraction, or its publication (sitemaps, JSON-LD). */
export function lastModifiedOf(s: Pick<Statement, 'publishedAt' | 'retraction' | 'corrections' | 'signatures'>): string {
  return [s.signatures.at(-1)?.signedAt ?? '', lastChangeOf(s)].sort().at(-1) as string;
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

export function statementBlobKey(id: string, version: number, revision?: string): string {
  return revision ? `statements/${id}/v${version}-${revision}.json` : `statements/${id}/v${version}.json`;
}

/** Statement ids: the platform's own (time-ordered) or an imported archive's ("st-000042"). */
export const StatementId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a statement id is 1-64 lower-case letters, digits or hyphens'));

export function statementPath(id: string): string {
  return `/statements/${id}/`;
}
