// The statement routes in the API's OpenAPI document: submitting, signing, reading, correcting, retracting.
import * as z from '../../shared/domain/schema.js';
import { Correction, CorrectionInput, RetractionInput, Statement, StatementId, StatementInput } from '../../shared/domain/statement.js';
import { ListQuery } from '../../shared/services/statements.js';
import {
  CURSOR_DESCRIPTION,
  describeFields,
  HEADERS,
  input,
  json,
  jsonBody,
  NEXT_PAGE_HEADERS,
  type OperationSpec,
  output,
  type ParameterSpec,
  problems,
  queryParameters,
} from './openapi-kit.js';
import { SCHEDULED_ACCEPTED, ScheduledStatement } from './openapi-scheduled.js';
import { PageQuery } from './paging.js';

describeFields(StatementInput, {
  party: "The author; defaults to the key's party, and may only be that party.",
  title: 'One line, at most 300 characters.',
  summary: 'A short summary shown in listings and feeds; plain text, line breaks allowed.',
  body: 'The statement in Markdown (sanitised by an allow-list; images only from the site itself).',
  language: 'A BCP 47 language tag: "el", "fa", "pt-BR".',
  topics: 'Topic slugs: letters, digits and hyphens.',
  cosigners: 'Parties invited to sign; each appears on the statement once it signs with its own key.',
  publishedAt: 'When it was first published elsewhere (an archive); not in the future.',
  publishAt: 'An embargo: the statement is stored as scheduled, visible nowhere until this time.',
  sourceUrl: 'Where it was first published.',
  countries: "The countries it is about or from; default: the author's country.",
  translationOf: 'The id of a statement of the same party that this one translates.',
  attachments: 'Uploaded files (POST /v1/attachments) to show with the statement; images need alt text.',
});
describeFields(CorrectionInput, {
  title: 'The corrected title.',
  correctionNote: 'Shown on the page beside the date of the correction: "Corrected the date of the rally".',
  notifySubscribers: "Mail the corrected version to the statement's subscribers again.",
});
describeFields(RetractionInput, { reason: 'Shown on the page instead of the text.' });

/** A statement as anyone may read it: not the parties invited to sign, nor storage details; a retracted one without its text. */
const PublicStatement = z.extend(z.omit(Statement, { invited: true, revision: true, bodyMarkdown: true, bodyHtml: true, bodyText: true }), {
  bodyMarkdown: z.optional(z.string()),
  bodyHtml: z.optional(z.string()),
  bodyText: z.optional(z.string()),
});
describeFields(PublicStatement, {
  bodyMarkdown: 'The body as submitted; absent in listings and once retracted (so are bodyHtml and bodyText).',
  bodyHtml: 'The body as sanitised HTML.',
  cosigners: 'The parties that have signed with their own keys.',
  corrections: 'Every correction, oldest first.',
  retraction: 'Present once the statement is retracted.',
});

const StatementPage = z.object({
  items: z.array(PublicStatement),
  nextCursor: z.optional(z.string()),
  next: z.optional(z.string()),
});

const StatementHistory = z.object({
  id: z.string(),
  version: z.int(),
  retraction: Statement.shape.retraction,
  corrections: z.array(Correction),
  versions: z.array(z.object({ version: z.int(), at: z.string(), note: z.optional(z.string()), title: z.string() })),
});
describeFields(StatementHistory, {
  versions:
    'Every version of the text, first first, each with its correction note (its text: GET …/versions/{version}); none once retracted.',
});

const TextVersion = z.object({ version: z.int(), at: z.string(), note: z.optional(z.string()), title: z.string(), text: z.string() });

const S = {
  input: input('StatementInput', StatementInput),
  correction: input('CorrectionInput', CorrectionInput),
  retraction: input('RetractionInput', RetractionInput),
  submitted: output('SubmittedStatement', z.omit(Statement, { revision: true })),
  statement: output('Statement', PublicStatement),
  page: output('StatementPage', StatementPage),
  history: output('StatementHistory', StatementHistory),
  textVersion: output('TextVersion', TextVersion),
  id: input('StatementId', StatementId),
};

// --- embargo: a statement id may name a scheduled statement, to its office (openapi-scheduled.ts) ---
const PUBLISHED_OR_SCHEDULED = output('StatementOrScheduled', z.union([PublicStatement, ScheduledStatement]));
// --- end embargo ---

const statementId: ParameterSpec = { name: 'id', in: 'path', required: true, description: 'The statement id.', schema: S.id };

const SUBMISSION = {
  title: 'On the strike',
  body: 'The **dockers** are on strike.',
  language: 'el',
  topics: ['workers'],
  cosigners: ['tkp'],
};

const STATEMENT = {
  id: '01kb6h3m8xq4w2n7c9d5e1f3ga',
  version: 1,
  party: 'kke',
  cosigners: [],
  signatures: [],
  language: 'el',
  dir: 'ltr',
  title: 'On the strike',
  summary: '',
  bodyMarkdown: 'The **dockers** are on strike.',
  bodyHtml: '<p>The <strong>dockers</strong> are on strike.</p>',
  bodyText: 'The dockers are on strike.',
  topics: ['workers'],
  countries: ['GR'],
  publishedAt: '2026-11-29T10:00:00.000Z',
  createdAt: '2026-11-29T10:00:00.000Z',
};

const CORRECTION = {
  title: 'On the strike of the dockers',
  body: 'The **dockers** of Piraeus are on strike.',
  topics: ['workers'],
  correctionNote: 'Named the port.',
};

const etag = { ETag: HEADERS.etag };

export const STATEMENT_OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/statements',
    operationId: 'submitStatement',
    tag: 'Statements',
    security: 'pressKey',
    summary: 'Submit a statement',
    description:
      'Stores the statement and publishes it: its page, the listings and feeds, the search index, and the mail of its readers. ' +
      'Named cosigners are invited: each signs with its own key. The same Idempotency-Key returns the same statement. ' +
      'With a publishAt more than a second ahead it is scheduled instead (202): nothing of it is seen until that time.',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        description:
          'Any 1-200 visible ASCII characters: a retry with the same key and body returns the first answer; with another body, 422.',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
        example: 'kke-2026-11-29-1',
      },
    ],
    requestBody: jsonBody(S.input, SUBMISSION),
    responses: {
      201: json('Stored. A retry with the same Idempotency-Key answers the same statement.', S.submitted, {
        headers: {
          Location: HEADERS.location,
          'Idempotent-Replayed': {
            description: '"true" when this answers an earlier request with the same key.',
            schema: { type: 'string' },
          },
        },
        example: { ...STATEMENT, invited: ['tkp'] },
      }),
      202: SCHEDULED_ACCEPTED, // --- embargo (openapi-scheduled.ts) ---
      ...problems(400, 401, [403, 'The body names another party than the key acts for.'], 413, 415, 422, 429),
    },
  },
  {
    method: 'post',
    path: '/v1/statements/{id}/signatures',
    operationId: 'signStatement',
    tag: 'Statements',
    security: 'pressKey',
    summary: 'Sign a statement as a cosigner',
    description:
      "A party the author named in `cosigners` signs with its own key; only then is the statement on that party's page and in its readers' mail.",
    parameters: [statementId],
    responses: {
      201: json('Signed.', S.statement, { headers: { Location: HEADERS.location } }),
      200: json('It had signed already; nothing changed.', S.statement, { headers: { Location: HEADERS.location } }),
      ...problems(401, [403, 'This party was not asked to sign.'], 404, [409, 'The author cannot sign its own statement.'], 429),
    },
  },
  {
    method: 'get',
    path: '/v1/statements/{id}',
    operationId: 'getStatement',
    tag: 'Statements',
    security: 'optionalPressKey',
    summary: 'Read a statement',
    description:
      'One statement, body included (a retracted one without its text). A scheduled statement is 404 to everyone but its office, ' +
      'which reads it with its key as scheduled (ETag "s1").',
    parameters: [statementId],
    responses: {
      200: json('The statement (or, to its office, the scheduled statement).', PUBLISHED_OR_SCHEDULED, {
        headers: etag,
        example: STATEMENT,
      }),
      ...problems([401, 'A press key was sent for a statement not published, and it is unknown or revoked.'], 404, 429),
    },
  },
  {
    method: 'get',
    path: '/v1/invitations',
    operationId: 'listInvitations',
    tag: 'Statements',
    security: 'pressKey',
    summary: 'Statements awaiting your signature',
    description:
      'The statements whose authors named your party as a cosigner and that it has not signed yet, newest first: sign one with `POST /v1/statements/{id}/signatures`. A page may hold fewer than `limit`; follow `next` while there is one.',
    parameters: queryParameters(PageQuery, {
      limit: 'Statements per page.',
      cursor: CURSOR_DESCRIPTION,
    }),
    responses: {
      200: json('A page of statements awaiting the office’s signature.', S.page, {
        headers: NEXT_PAGE_HEADERS,
      }),
      ...problems(401, [422, 'The query is not valid.'], 429),
    },
  },
  {
    method: 'get',
    path: '/v1/statements',
    operationId: 'listStatements',
    tag: 'Statements',
    security: 'public',
    summary: 'List published statements',
    description: 'Newest first, without their bodies. Follow `next` (or the Link header) for the next page.',
    parameters: queryParameters(ListQuery, {
      party: 'Only the statements this party wrote or signed.',
      limit: 'Statements per page.',
      cursor: CURSOR_DESCRIPTION,
    }),
    responses: {
      200: json('A page of statements.', S.page, {
        headers: NEXT_PAGE_HEADERS,
      }),
      ...problems([422, 'The query is not valid.'], 429),
    },
  },
  {
    method: 'put',
    path: '/v1/statements/{id}',
    operationId: 'correctStatement',
    tag: 'Corrections',
    security: 'pressKey',
    summary: 'Correct a statement',
    description:
      'Stores a new version of the text with a public correction note; the page, listings, feeds and search show it. ' +
      'The old version stays stored and on the history page. Readers are mailed again only with `notifySubscribers: true`. ' +
      'A scheduled statement (ETag "s1") is changed instead: send the whole statement as submitted (StatementInput, publishAt included); ' +
      'the answer is the scheduled statement.',
    parameters: [
      statementId,
      {
        name: 'If-Match',
        in: 'header',
        required: true,
        description: 'The ETag of the version the correction was made from (GET /v1/statements/{id} answers it).',
        schema: { type: 'string' },
        example: '"1"',
      },
    ],
    requestBody: jsonBody(S.correction, CORRECTION),
    responses: {
      200: json('The corrected statement (or the changed scheduled statement).', PUBLISHED_OR_SCHEDULED, { headers: etag }),
      ...problems(
        400,
        401,
        [403, 'Only its author may correct a statement.'],
        404,
        [409, 'The statement was retracted.'],
        [412, 'The statement is no longer at the version If-Match names: read it again and apply the change to it.'],
        413,
        415,
        422,
        428,
        429,
      ),
    },
  },
  {
    method: 'post',
    path: '/v1/statements/{id}/retraction',
    operationId: 'retractStatement',
    tag: 'Corrections',
    security: 'pressKey',
    summary: 'Retract a statement',
    description:
      'The page keeps its address and shows the retraction notice instead of the text; the statement leaves the listings and search, ' +
      'and the feeds carry the retraction. Retracting again changes nothing.',
    parameters: [statementId],
    requestBody: jsonBody(S.retraction, { reason: 'Published by mistake before the party congress approved it.' }),
    responses: {
      200: json('The retracted statement, without its text.', S.statement, { headers: etag }),
      ...problems(
        400,
        401,
        [403, 'Only its author may retract a statement.'],
        404,
        [412, 'The statement changed while the retraction was stored: retry.'],
        413,
        415,
        422,
        429,
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/statements/{id}/versions',
    operationId: 'getStatementHistory',
    tag: 'Corrections',
    security: 'public',
    summary: "A statement's history",
    description: 'Every version of the text, with the note of the correction that made it.',
    parameters: [statementId],
    responses: { 200: json('The versions, first first.', S.history, { headers: etag }), ...problems(404, 429) },
  },
  {
    method: 'get',
    path: '/v1/statements/{id}/versions/{version}',
    operationId: 'getStatementVersion',
    tag: 'Corrections',
    security: 'public',
    summary: 'One version of a statement’s text',
    description: 'The text of the first version or of a correction, as plain text; 404 for any other version, and once retracted.',
    parameters: [
      statementId,
      { name: 'version', in: 'path', required: true, description: 'A version the history lists.', schema: { type: 'integer', minimum: 1 } },
    ],
    responses: { 200: json('That version’s text.', S.textVersion), ...problems(404, 429) },
  },
];
