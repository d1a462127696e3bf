// The pieces API operations are documented with (openapi.ts lists the operations): typed specs, and
// helpers that turn the zod schemas the handlers validate with into OpenAPI 3.1 (JSON Schema 2020-12).
import * as z from '../../shared/domain/schema.js';

export type JsonSchema = { [keyword: string]: unknown };
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The groups of the reference, in its order. A new group of routes adds its tag here. */
export const TAGS = {
  Statements: 'What a press office publishes, and what anyone may read of it.',
  Corrections: 'Changing a published statement: a correction (a new version, with a public note) or a retraction.',
  Embargoes:
    'Statements scheduled to publish at a set time (publishAt): seen by nobody but their office until then, which may change or cancel them.',
  Subscriptions: "Readers' email subscriptions: double opt-in, confirmation and preferences through signed links.",
  Unsubscribe: 'One-click unsubscribe (RFC 8058), for mail providers and for readers.',
  Attachments: 'PDFs and images uploaded straight to storage, checked by their content, and named in statements.',
  Keys: "An office's own press keys (issue, rotate, revoke; when each was last used) and its audit log.",
  Service: 'The service itself: liveness and this documentation.',
} as const;
export type Tag = keyof typeof TAGS;

/** A zod schema published under components.schemas; `io` says whether it describes what is sent or what is answered. */
export interface NamedSchema {
  readonly name: string;
  readonly zod: z.ZodMiniType;
  readonly io: 'input' | 'output';
}
/** Either a named zod schema (a $ref in the document) or a small inline JSON Schema. */
export type SchemaSpec = NamedSchema | JsonSchema;

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema: SchemaSpec;
  example?: unknown;
}

export interface BodySpec {
  schema?: SchemaSpec;
  example?: unknown;
}

export interface HeaderSpec {
  description: string;
  schema?: JsonSchema;
  required?: boolean;
}

export interface ResponseSpec {
  description: string;
  headers?: Record<string, HeaderSpec>;
  /** By media type: application/json, application/problem+json, text/html… */
  content?: Record<string, BodySpec>;
}

export interface RequestBodySpec {
  description?: string;
  required?: boolean;
  content: Record<string, BodySpec>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI form: /v1/statements/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** pressKey: `Authorization: Bearer cq_…`; public: no credentials; optionalPressKey: either (a key sees more). */
  security: 'pressKey' | 'public' | 'optionalPressKey';
  parameters?: ParameterSpec[];
  requestBody?: RequestBodySpec;
  responses: Record<number, ResponseSpec>;
}

/** Descriptions of fields, shown in the document; schemas stay free of documentation metadata. */
export const FIELD_DOCS = z.registry<{ description: string }>();

/** Documents the fields of an object schema (by name) without changing the schema. */
export function describeFields<S extends { shape: Record<string, z.ZodMiniType> }>(
  schema: S,
  descriptions: Partial<Record<keyof S['shape'] & string, string>>,
): void {
  for (const [field, description] of Object.entries(descriptions)) {
    const target = schema.shape[field];
    if (target && typeof description === 'string') FIELD_DOCS.add(target, { description });
  }
}

/** What a client sends: defaults are optional, transforms are what they accept. */
export const input = (name: string, zod: z.ZodMiniType): NamedSchema => ({ name, zod, io: 'input' });
/** What the API answers. */
export const output = (name: string, zod: z.ZodMiniType): NamedSchema => ({ name, zod, io: 'output' });

export function isNamed(spec: SchemaSpec): spec is NamedSchema {
  return typeof spec.name === 'string' && typeof spec.io === 'string' && typeof spec.zod === 'object';
}

/** The JSON Schema (2020-12, OpenAPI 3.1's dialect) of a zod schema, as zod itself generates it. */
export function jsonSchemaOf(zod: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(zod, { io, metadata: FIELD_DOCS, unrepresentable: 'any' }) as JsonSchema;
  return schema;
}

/** RFC 9457 problem details, as functions/api/problem.ts writes them. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
describeFields(Problem, {
  type: 'A URI naming the kind of problem.',
  detail: 'What went wrong, and what to do about it, for a person to read.',
  instance: 'The path of the request.',
  errors: 'Each invalid field: its JSON path ("topics.2", "" for the whole body) and what is wrong with it.',
});
const PROBLEM = output('Problem', Problem);

const PROBLEMS: Record<number, ResponseSpec> = {
  400: { description: 'The body is not valid JSON, or the client stopped sending it midway.' },
  401: {
    description: 'No press key, or an unknown or revoked one.',
    headers: { 'WWW-Authenticate': { description: 'Bearer realm="communique"', schema: { type: 'string' } } },
  },
  403: { description: 'The key acts for another party than the one this needs.' },
  404: { description: 'No such statement.' },
  409: { description: 'The request conflicts with the state of the resource.' },
  412: { description: 'If-Match names another version than the current one: read the statement again.' },
  413: { description: 'The body is over 1 MB.' },
  415: { description: 'The body is not application/json.' },
  422: { description: 'Invalid fields: `errors` names each one.' },
  428: { description: 'If-Match is missing.' },
  429: {
    description: 'Over the rate limit.',
    headers: { 'Retry-After': { description: 'Seconds until a request may be made again.', schema: { type: 'integer' }, required: true } },
  },
};

/** Error responses as application/problem+json, with the usual description for each status, or the one given. */
export function problems(...statuses: Array<number | [number, string]>): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {};
  for (const entry of statuses) {
    const [status, description] = Array.isArray(entry) ? entry : [entry, undefined];
    const base = PROBLEMS[status];
    if (!base && !description) throw new Error(`no description for problem ${status}: give one as [${status}, '…']`);
    out[status] = {
      ...base,
      description: description ?? (base as ResponseSpec).description,
      content: { 'application/problem+json': { schema: PROBLEM } },
    };
  }
  return out;
}

/** A JSON response. */
export function json(
  description: string,
  schema: SchemaSpec,
  more: { example?: unknown; headers?: Record<string, HeaderSpec> } = {},
): ResponseSpec {
  return {
    description,
    ...(more.headers ? { headers: more.headers } : {}),
    content: { 'application/json': { schema, ...(more.example !== undefined ? { example: more.example } : {}) } },
  };
}

/** An HTML page for a person (a form post's answer, a link's page). */
export function html(description: string): ResponseSpec {
  return { description, content: { 'text/html': { schema: { type: 'string' } } } };
}

/** A JSON request body; `form: true` when the route takes the same fields as a form post too. */
export function jsonBody(schema: SchemaSpec, example: unknown, opts: { form?: boolean; description?: string } = {}): RequestBodySpec {
  return {
    required: true,
    ...(opts.description ? { description: opts.description } : {}),
    content: {
      'application/json': { schema, example },
      ...(opts.form ? { 'application/x-www-form-urlencoded': { schema } } : {}),
    },
  };
}

/**
 * Query parameters from the object schema the route parses its query with, one per field: the value as the
 * handler reads it (output: coerced, bounded, with its default), required as the client must send it (input).
 */
export function queryParameters(schema: z.ZodMiniObject, descriptions: Record<string, string>): ParameterSpec[] {
  type ObjectSchema = { properties?: Record<string, JsonSchema>; required?: string[] };
  const read = jsonSchemaOf(schema, 'output') as ObjectSchema;
  const sent = jsonSchemaOf(schema, 'input') as ObjectSchema;
  return Object.entries(read.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query' as const,
    description: descriptions[name] ?? '',
    required: sent.required?.includes(name) ?? false,
    schema: property,
  }));
}

export const HEADERS = {
  etag: { description: 'The statement\'s version, quoted ("2"): send it back as If-Match to change it.', schema: { type: 'string' } },
  location: { description: "The statement's address in the API.", schema: { type: 'string' } },
  cacheable: { description: 'How long the answer may be reused.', schema: { type: 'string' } },
} satisfies Record<string, HeaderSpec>;

/** The Link header of a paged answer. */
export const NEXT_PAGE_HEADERS = {
  Link: { description: 'The next page, as `<…>; rel="next"`, when there is one.', schema: { type: 'string' } },
};

/** What the cursor of a paged list is. */
export const CURSOR_DESCRIPTION = 'Where the page starts: the `nextCursor` of the page before.';
