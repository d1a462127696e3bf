// The embargo routes in the API's OpenAPI document: the office's scheduled statements, listed and cancelled
// here; submitting one (202), reading and changing it are documented with the statement routes.
import type { ScheduledView } from '../../shared/domain/scheduled.js';
import * as z from '../../shared/domain/schema.js';
import { StatementId, StatementInput } from '../../shared/domain/statement.js';
import {
  CURSOR_DESCRIPTION,
  describeFields,
  HEADERS,
  type HeaderSpec,
  input,
  json,
  NEXT_PAGE_HEADERS,
  type OperationSpec,
  output,
  problems,
  queryParameters,
} from './openapi-kit.js';
import { PageQuery } from './paging.js';

export const ScheduledStatement = z.object({
  id: z.string(),
  state: z.enum(['scheduled', 'publishing', 'failed']),
  party: z.string(),
  publishAt: z.string(),
  title: z.string(),
  language: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  revision: z.int(),
  failure: z.optional(z.string()),
  input: z.optional(StatementInput),
});
// The document describes what the handlers answer: a change to ScheduledView fails to compile here.
const _answers: ScheduledView = {} as z.infer<typeof ScheduledStatement>;
describeFields(ScheduledStatement, {
  id: 'The id it will be published under.',
  state:
    'scheduled: waiting for publishAt; publishing: being published now; failed: at publishAt it could not be published (see failure): change or cancel it.',
  publishAt: 'When it is published (UTC).',
  revision: 'Raised by every change; the ETag is "s" and this number.',
  failure: 'Why it could not be published at its time (the statement it translates was retracted, …).',
  input: 'The statement as submitted (absent in lists): send it back whole, changed, to PUT /v1/statements/{id}.',
});

const ScheduledPage = z.object({
  items: z.array(ScheduledStatement),
  nextCursor: z.optional(z.string()),
  next: z.optional(z.string()),
});

export const SCHEDULED = output('ScheduledStatement', ScheduledStatement);

export const SCHEDULED_ETAG: HeaderSpec = {
  description: 'The scheduled statement\'s revision ("s1"): send it back as If-Match to change or cancel it.',
  schema: { type: 'string' },
};

const EXAMPLE = {
  id: '01kb6h3m8xq4w2n7c9d5e1',
  state: 'scheduled',
  party: 'kke',
  publishAt: '2026-12-01T09:00:00.000Z',
  title: 'On the strike',
  language: 'el',
  createdAt: '2026-11-30T17:12:00.000Z',
  updatedAt: '2026-11-30T17:12:00.000Z',
  revision: 1,
};

/** POST /v1/statements with a publishAt ahead (openapi-statements.ts). */
export const SCHEDULED_ACCEPTED = json(
  'Scheduled (publishAt more than a second ahead): kept apart, nowhere to be seen, and published at that time. Until then only its office reads it, at Location with its key.',
  SCHEDULED,
  {
    headers: { Location: HEADERS.location, ETag: SCHEDULED_ETAG },
    example: {
      ...EXAMPLE,
      input: {
        title: 'On the strike',
        summary: '',
        body: 'The **dockers** are on strike.',
        language: 'el',
        topics: ['workers'],
        cosigners: [],
        attachments: [],
        publishAt: EXAMPLE.publishAt,
      },
    },
  },
);

const statementId = {
  name: 'id',
  in: 'path' as const,
  required: true,
  description: 'The statement id.',
  schema: input('StatementId', StatementId),
};

export const SCHEDULED_OPERATIONS: OperationSpec[] = [
  {
    method: 'get',
    path: '/v1/scheduled',
    operationId: 'listScheduledStatements',
    tag: 'Embargoes',
    security: 'pressKey',
    summary: "List the office's scheduled statements",
    description:
      "The statements of the key's party that wait for their publishAt, in the order they were scheduled, without their text " +
      '(GET /v1/statements/{id} with the key gives it). Follow `next` (or the Link header) for the next page.',
    parameters: queryParameters(PageQuery, {
      limit: 'Scheduled statements per page.',
      cursor: CURSOR_DESCRIPTION,
    }),
    responses: {
      200: json('A page of scheduled statements.', output('ScheduledPage', ScheduledPage), {
        headers: NEXT_PAGE_HEADERS,
        example: { items: [EXAMPLE] },
      }),
      ...problems(401, [422, 'The query is not valid.'], 429),
    },
  },
  {
    method: 'delete',
    path: '/v1/statements/{id}',
    operationId: 'cancelScheduledStatement',
    tag: 'Embargoes',
    security: 'pressKey',
    summary: 'Cancel a scheduled statement',
    description:
      'Before its publishAt, the statement is forgotten and never published. A published statement is not deleted: it is retracted (409 says so).',
    parameters: [
      statementId,
      {
        name: 'If-Match',
        in: 'header',
        description: 'Optional: the ETag the cancellation was decided on ("s2"); 412 if the statement changed since.',
        schema: { type: 'string' },
        example: '"s1"',
      },
    ],
    responses: {
      204: { description: 'Cancelled.' },
      ...problems(
        401,
        [404, 'No scheduled statement of this party has this id.'],
        [409, 'It is being published now, or was published: retract it instead.'],
        [412, 'The scheduled statement changed since the ETag If-Match names.'],
        429,
      ),
    },
  },
];
