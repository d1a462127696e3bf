// The key and audit routes in the API's OpenAPI document: an office's own press keys and what it did.
import { AuditEntry } from '../../shared/domain/audit.js';
import { MAX_LIVE_KEYS } from '../../shared/domain/press-key.js';
import * as z from '../../shared/domain/schema.js';
import { KeyRequest, KeyView } from './keys.js';
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
import { PageQuery } from './paging.js';

describeFields(KeyRequest, {
  name: 'What the office calls the key ("desk laptop", "website CMS"): one line, 1-100 characters.',
  manageKeys: 'Whether the new key may issue and revoke keys too; only a key that manages keys may ask. Default false: publishing only.',
});
describeFields(KeyView, {
  name: 'Its name; a key issued before keys had names reads "key <keyId>".',
  lastUsedAt: 'When a request last authenticated with it, to the minute; null if never.',
  revokedAt: 'When it was revoked; null while it works.',
  current: 'True for the key this request was made with.',
  manageKeys: 'Whether it issues and revokes keys (the operator issues such keys); false for a key for publishing only.',
});
describeFields(AuditEntry, {
  keyId: 'The key that acted (a desk session acts with the key it was signed in with).',
  keyName: 'The name of that key when it acted.',
  via: 'api: a request with the key; desk: the web desk, signed in with it.',
  target: 'What it acted on: a statement id, a key id.',
  detail: 'A short note: a statement title, a correction note, a key name.',
  ip: 'The client address the request came from.',
});

const K = {
  request: input('KeyRequest', KeyRequest),
  key: output('PressKey', KeyView),
  issued: output('IssuedPressKey', z.extend(KeyView, { key: z.string() })),
  revoked: output('RevokedPressKey', z.extend(KeyView, { notice: z.optional(z.string()) })),
  list: output('PressKeyList', z.object({ items: z.array(KeyView) })),
  audit: output('AuditPage', z.object({ items: z.array(AuditEntry), nextCursor: z.optional(z.string()), next: z.optional(z.string()) })),
};

const keyId: ParameterSpec = {
  name: 'keyId',
  in: 'path',
  required: true,
  description: 'The key id: the part of the key after "cq_".',
  schema: { type: 'string' },
};
const notOwn: [number, string] = [404, "No such key among the office's own keys (another party's key id included)."];

const KEY = {
  keyId: 'k3v9q2m8x4w7n1c5',
  name: 'desk laptop',
  createdAt: '2026-11-29T10:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
  manageKeys: false,
  current: false,
};

export const KEY_OPERATIONS: OperationSpec[] = [
  {
    method: 'get',
    path: '/v1/keys',
    operationId: 'listKeys',
    tag: 'Keys',
    security: 'pressKey',
    summary: "List the office's press keys",
    description: 'Every key of the party the request acts for, oldest first, revoked ones included; never a secret.',
    responses: { 200: json("The office's keys.", K.list), ...problems(401, 429) },
  },
  {
    method: 'post',
    path: '/v1/keys',
    operationId: 'issueKey',
    tag: 'Keys',
    security: 'pressKey',
    summary: 'Issue a press key',
    description:
      'A new key for the same party, shown once in `key` (stored hashed). To rotate without downtime: issue a key, switch to it, ' +
      `then revoke the old one. A party may have ${MAX_LIVE_KEYS} keys that are not revoked.`,
    requestBody: jsonBody(K.request, { name: 'desk laptop' }),
    responses: {
      201: json('The new key, the only time it is shown.', K.issued, {
        headers: {
          Location: { description: "The key's address in the API.", schema: { type: 'string' } },
          'Cache-Control': HEADERS.cacheable,
        },
        example: { ...KEY, key: 'cq_k3v9q2m8x4w7n1c5_…' },
      }),
      ...problems(
        400,
        401,
        [403, 'The key publishes only: issuing keys takes a key that manages keys.'],
        [409, `The party has ${MAX_LIVE_KEYS} live keys already: revoke one first.`],
        413,
        415,
        422,
        429,
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/keys/{keyId}',
    operationId: 'getKey',
    tag: 'Keys',
    security: 'pressKey',
    summary: 'Read one of the office’s press keys',
    parameters: [keyId],
    responses: { 200: json('The key.', K.key, { example: KEY }), ...problems(401, notOwn, 429) },
  },
  {
    method: 'delete',
    path: '/v1/keys/{keyId}',
    operationId: 'revokeKey',
    tag: 'Keys',
    security: 'pressKey',
    summary: 'Revoke one of the office’s press keys',
    description:
      'Requests with it fail from now on, and desk sessions signed in with it end. Revoking the key the request is made with is ' +
      'allowed: the answer says so in `notice`. Revoking again changes nothing.',
    parameters: [keyId],
    responses: {
      200: json('The revoked key.', K.revoked),
      ...problems(401, [403, 'The key publishes only: it may revoke itself, not other keys.'], notOwn, 429),
    },
  },
  {
    method: 'get',
    path: '/v1/audit',
    operationId: 'listAudit',
    tag: 'Keys',
    security: 'pressKey',
    summary: "The office's audit log",
    description:
      'What the party did, newest first: each statement submitted, signed, corrected, retracted or scheduled, each upload, key and ' +
      'desk session, with the key that did it. Kept two years. Follow `next` (or the Link header) for older entries.',
    parameters: queryParameters(PageQuery, {
      limit: 'Entries per page.',
      cursor: CURSOR_DESCRIPTION,
    }),
    responses: {
      200: json('A page of entries.', K.audit, {
        headers: NEXT_PAGE_HEADERS,
      }),
      ...problems(401, [422, 'The query is not valid.'], 429),
    },
  },
];
