// The API's OpenAPI 3.1 document: a registry of every route, built into the document served at /v1/openapi.json.
//
// To document a route, add an OperationSpec to one of the lists below (statements in openapi-statements.ts,
// readers and the service in openapi-readers.ts), or give a new group of routes a file of its own that exports
// such a list, spread it into OPERATIONS, and add its tag to TAGS in openapi-kit.ts. An entry reads:
//
//   {
//     method: 'post', path: '/v1/keys', operationId: 'issueKey', tag: 'Keys', security: 'pressKey',
//     summary: 'Issue a press key', description: 'Shown once; stored hashed.',
//     requestBody: jsonBody(input('KeyInput', KeyInput), { name: 'desk' }),   // the zod schema the handler parses
//     responses: { 201: json('The new key.', output('IssuedKey', IssuedKey)), ...problems(401, 422, 429) },
//   },
//
// Paths are in OpenAPI form (`/v1/statements/{id}`, not `:id`). tests/unit/openapi.test.ts fails while a route
// the app serves is missing here or an operation here is not served, and checks the document against OpenAPI 3.1.

import { ATTACHMENT_OPERATIONS } from './openapi-attachments.js';
import { KEY_OPERATIONS } from './openapi-keys.js';
import {
  type HttpMethod,
  isNamed,
  type JsonSchema,
  jsonSchemaOf,
  type NamedSchema,
  type OperationSpec,
  type ResponseSpec,
  type SchemaSpec,
  TAGS,
} from './openapi-kit.js';
import { READER_OPERATIONS } from './openapi-readers.js';
import { SCHEDULED_OPERATIONS } from './openapi-scheduled.js';
import { STATEMENT_OPERATIONS } from './openapi-statements.js';

export const OPERATIONS: readonly OperationSpec[] = [
  ...STATEMENT_OPERATIONS,
  ...SCHEDULED_OPERATIONS,
  ...READER_OPERATIONS,
  ...KEY_OPERATIONS,
  ...ATTACHMENT_OPERATIONS,
];

export interface MediaTypeObject {
  schema?: JsonSchema;
  example?: unknown;
}
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; required?: boolean; schema: JsonSchema }>;
  content?: Record<string, MediaTypeObject>;
}
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters?: ParameterObject[];
  requestBody?: { description?: string; required: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; summary: string; description: string };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: string; scheme: string; bearerFormat: string; description: string }>;
  };
}

const DESCRIPTION = `Press offices submit, sign, correct and retract statements with a press key (\`Authorization: Bearer cq_…\`); anyone may read what is published.

Errors are RFC 9457 \`application/problem+json\`; a 422 names each invalid field in \`errors\`. Nothing is stored on any error. A method a path does not take is answered 405 with \`Allow\`. Requests go to the site's own address: on AWS the API answers 403 to requests that did not come through it.

Rate limits: 120 requests a minute per press key; 60 a minute per client address on the public routes; 20 subscribe requests an hour per client address and 3 per email address. Over them, 429 with \`Retry-After\`.`;

/** Builds the document; `operations` defaults to every route of the API. */
export function openApiDocument(config: { siteUrl: string }, operations: readonly OperationSpec[] = OPERATIONS): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const sources = new Map<string, NamedSchema>();
  const ref = (spec: SchemaSpec): JsonSchema => {
    if (!isNamed(spec)) return spec;
    const known = sources.get(spec.name);
    if (known && (known.zod !== spec.zod || known.io !== spec.io)) throw new Error(`two schemas are named ${spec.name}`);
    if (!known) {
      sources.set(spec.name, spec);
      schemas[spec.name] = jsonSchemaOf(spec.zod, spec.io);
    }
    return { $ref: `#/components/schemas/${spec.name}` };
  };
  const content = (byType: ResponseSpec['content'] = {}): Record<string, MediaTypeObject> =>
    Object.fromEntries(
      Object.entries(byType).map(([type, body]) => [
        type,
        { ...(body.schema ? { schema: ref(body.schema) } : {}), ...(body.example !== undefined ? { example: body.example } : {}) },
      ]),
    );

  const paths: OpenApiDocument['paths'] = {};
  for (const op of operations) {
    const item = paths[op.path] ?? {};
    paths[op.path] = item;
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is documented twice`);
    item[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: { pressKey: [{ pressKey: [] }], public: [], optionalPressKey: [{}, { pressKey: [] }] }[op.security],
      ...(op.parameters?.length
        ? {
            parameters: op.parameters.map(({ schema, example, required, ...p }) => ({
              ...p,
              required: p.in === 'path' ? true : (required ?? false),
              schema: ref(schema),
              ...(example !== undefined ? { example } : {}),
            })),
          }
        : {}),
      ...(op.requestBody
        ? {
            requestBody: {
              ...(op.requestBody.description ? { description: op.requestBody.description } : {}),
              required: op.requestBody.required ?? true,
              content: content(op.requestBody.content),
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.headers
              ? { headers: Object.fromEntries(Object.entries(r.headers).map(([name, h]) => [name, { schema: { type: 'string' }, ...h }])) }
              : {}),
            ...(r.content ? { content: content(r.content) } : {}),
          },
        ]),
      ),
    };
  }

  const used = new Set(operations.map((op) => op.tag));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Communiqué API',
      version: 'v1',
      summary: "The statements of political parties' press offices.",
      description: DESCRIPTION,
    },
    servers: [{ url: config.siteUrl, description: 'This platform' }],
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name as keyof typeof TAGS))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        pressKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'cq_…',
          description:
            'A press key: it acts for one party. Operators issue one with `npm run cli -- keys issue --party ID`; it is shown once.',
        },
      },
    },
  };
}
