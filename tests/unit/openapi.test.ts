// The API's OpenAPI document: every route the app serves and nothing else, valid OpenAPI 3.1, and true to
// the handlers (the documented schemas accept and refuse what they do; answers match what is documented).
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { type OpenApiDocument, type OperationObject, openApiDocument } from '../../functions/api/openapi.js';
import type { JsonSchema } from '../../functions/api/openapi-kit.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/site/security-headers.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let app: Hono;
let doc: OpenApiDocument;
let schemaFor: (schema: JsonSchema) => ValidateFunction;
const keys: Record<string, string> = {};

/** Hono's `:id` (with an optional `{regex}`) as OpenAPI's `{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');

/** The web desk (/desk/) is pages for people signed in with a session cookie, not part of the API. */
const isApiRoute = (path: string) => !path.startsWith('/desk');

function operation(method: string, path: string): OperationObject {
  const op = doc.paths[path]?.[method.toLowerCase() as 'get'];
  if (!op) throw new Error(`${method} ${path} is not documented`);
  return op;
}

/** What Ajv objects to, as field paths like the handler's problem `errors` ("topics.0", "" for the whole body). */
function ajvPaths(errors: ErrorObject[] | null | undefined): string[] {
  return [
    ...new Set(
      (errors ?? []).map((e) => {
        const at = e.instancePath.split('/').slice(1);
        if (e.keyword === 'required') at.push(String(e.params.missingProperty));
        return at.join('.');
      }),
    ),
  ].sort();
}

/** Asserts that the answer is one the document describes: its status, its media type, and its body's schema. */
async function expectDocumented(res: Response, method: string, path: string): Promise<unknown> {
  const documented = operation(method, path).responses[String(res.status)];
  expect(documented, `${method} ${path} answered ${res.status}, which is not documented`).toBeDefined();
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!documented?.content) return undefined;
  const media = documented.content[type];
  expect(media, `${method} ${path} ${res.status} answered ${type}`).toBeDefined();
  if (!type.endsWith('json') || !media?.schema) return undefined;
  const body = await res.json();
  const validate = schemaFor(media.schema);
  expect(validate(body) ? [] : validate.errors, `${method} ${path} ${res.status}`).toEqual([]);
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if (header.required) expect(res.headers.get(name), `${name} of ${method} ${path} ${res.status}`).not.toBeNull();
  }
  return body;
}

function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, key?: string) {
  return app.request(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const exampleOf = (method: string, path: string) =>
  operation(method, path).requestBody?.content['application/json']?.example as Record<string, unknown>;
const bodySchema = (method: string, path: string) =>
  schemaFor(operation(method, path).requestBody?.content['application/json']?.schema as JsonSchema);

beforeAll(async () => {
  p = await aLocalPlatform();
  app = createApp(p);
  doc = openApiDocument(p.config);
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema, name);
  schemaFor = (schema) => {
    const ref = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : undefined;
    const validate = ref ? ajv.getSchema(ref) : ajv.compile(schema);
    if (!validate) throw new Error(`no schema ${ref}`);
    return validate;
  };
  for (const party of ['kke', 'tkp']) {
    const { key, record } = issuePressKey(party, new Date());
    await p.keys.put(record);
    keys[party] = key;
  }
});
afterAll(() => p.cleanup());

describe('the OpenAPI document', () => {
  it('documents every route the app serves, and the app serves every documented operation', () => {
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL' && isApiRoute(r.path)).map((r) => `${r.method} ${openApiPath(r.path)}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    expect([...served].filter((r) => !documented.has(r)).sort(), 'served but not in functions/api/openapi.ts').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)).sort(), 'documented but not served').toEqual([]);
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.servers).toEqual([{ url: 'http://localhost:3000', description: 'This platform' }]);
  });

  it('holds JSON Schemas of draft 2020-12 that compile in strict mode', () => {
    const strict = new Ajv2020({ strict: true });
    addFormats(strict);
    for (const [name, schema] of Object.entries(doc.components.schemas)) expect(() => strict.compile(schema), name).not.toThrow();
  });

  it('names each path parameter once, has unique operation ids, known security, and problem+json errors', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(
          (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name),
          `${op.operationId}`,
        ).toEqual(inPath);
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect([[], [{ pressKey: [] }], [{}, { pressKey: [] }]]).toContainEqual(op.security);
        // Errors are problem+json, but for the pages a person opens from an email (an expired link's page).
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) >= 400)
            expect([['application/problem+json'], ['text/html']], `${op.operationId} ${status}`).toContainEqual(
              Object.keys(r.content ?? {}),
            );
        }
      }
    }
  });

  it('gives examples that match their schemas', () => {
    let checked = 0;
    for (const op of Object.values(doc.paths).flatMap((item) => Object.values(item))) {
      const media = [
        ...Object.values(op.requestBody?.content ?? {}),
        ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {})),
      ];
      for (const m of media.filter((x) => x.example !== undefined && x.schema)) {
        const validate = schemaFor(m.schema as JsonSchema);
        expect(validate(m.example) ? [] : validate.errors, op.operationId).toEqual([]);
        checked++;
      }
      for (const param of (op.parameters ?? []).filter((x) => x.example !== undefined)) {
        expect(schemaFor(param.schema)(param.example), `${op.operationId} ${param.name}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('GET /v1/openapi.json and /v1/docs', () => {
  it('serves the document, public and cacheable, and answers 304 to its ETag', async () => {
    const res = await app.request('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    const etag = res.headers.get('etag') as string;
    expect(etag).toBeTruthy();
    const again = await app.request('/v1/openapi.json', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves a reference page of every operation, with no script and no inline style, under the site CSP', async () => {
    const res = await app.request('/v1/docs');
    await expectDocumented(res, 'GET', '/v1/docs');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await res.text();
    for (const op of Object.values(doc.paths).flatMap((item) => Object.values(item))) expect(html).toContain(`id="${op.operationId}"`);
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son\w+=/i);
    expect(html).toContain('href="/v1/docs/reference.css"');
    const css = await app.request('/v1/docs/reference.css');
    await expectDocumented(css, 'GET', '/v1/docs/reference.css');
    expect(await css.text()).toContain('.method.post');
  });
});

describe('request bodies: the documented schema refuses what the handler refuses', () => {
  let id: string;

  it('POST /v1/statements: the example is stored; each invalid body is a 422 naming the fields the schema names', async () => {
    const example = exampleOf('POST', '/v1/statements');
    const validate = bodySchema('POST', '/v1/statements');
    expect(validate(example)).toBe(true);
    const res = await send('POST', '/v1/statements', example, { 'idempotency-key': 'openapi-example' }, keys.kke);
    expect(res.status).toBe(201);
    id = ((await expectDocumented(res, 'POST', '/v1/statements')) as { id: string }).id;
    const more = {
      ...example,
      summary: 'Summary.',
      publishedAt: '2024-05-01T10:00:00Z',
      sourceUrl: 'https://example.org/s',
      countries: ['GR', 'TR'],
    };
    expect(validate(more)).toBe(true);
    expect((await send('POST', '/v1/statements', more, {}, keys.kke)).status).toBe(201);

    const { title: _title, ...untitled } = example;
    const invalid: Array<[string, unknown]> = [
      ['no title', untitled],
      ['an empty title', { ...example, title: '' }],
      ['a title over 300 characters', { ...example, title: 'x'.repeat(301) }],
      ['a title of two lines', { ...example, title: 'On the\nstrike' }],
      ['an unknown field', { ...example, colour: 'red' }],
      ['topics that are not a list', { ...example, topics: 'workers' }],
      ['a topic that is not a slug', { ...example, topics: ['two words'] }],
      ['a cosigner in capitals', { ...example, cosigners: ['TKP'] }],
      ['a country of three letters', { ...example, countries: ['GRC'] }],
      ['a date that is not ISO 8601', { ...example, publishedAt: '29/11/2026' }],
      ['a source that is not a URL', { ...example, sourceUrl: 'not a url' }],
      ['an attachment id of another form', { ...example, attachments: [{ id: 'file.pdf' }] }],
    ];
    for (const [what, body] of invalid) {
      expect(validate(body), what).toBe(false);
      const answer = await send('POST', '/v1/statements', body, {}, keys.kke);
      expect(answer.status, what).toBe(422);
      const problem = (await expectDocumented(answer, 'POST', '/v1/statements')) as { errors: Array<{ path: string }> };
      expect([...new Set(problem.errors.map((e) => e.path))].sort(), what).toEqual(ajvPaths(validate.errors));
    }
  });

  it('GET /v1/statements/{id}, its list, and a cosigner signing answer as documented', async () => {
    const one = await app.request(`/v1/statements/${id}`);
    expect(one.status).toBe(200);
    await expectDocumented(one, 'GET', '/v1/statements/{id}');
    const list = await app.request('/v1/statements?limit=1');
    await expectDocumented(list, 'GET', '/v1/statements');
    await expectDocumented(await app.request('/v1/statements?limit=0'), 'GET', '/v1/statements');
    const signed = await send('POST', `/v1/statements/${id}/signatures`, undefined, {}, keys.tkp);
    expect(signed.status).toBe(201);
    await expectDocumented(signed, 'POST', '/v1/statements/{id}/signatures');
    await expectDocumented(await app.request('/v1/statements/no-such-statement'), 'GET', '/v1/statements/{id}');
    await expectDocumented(await send('POST', '/v1/statements', exampleOf('POST', '/v1/statements')), 'POST', '/v1/statements');
  });

  it('PUT /v1/statements/{id}: the example corrects; invalid corrections are 422 like the schema says', async () => {
    const example = exampleOf('PUT', '/v1/statements/{id}');
    const validate = bodySchema('PUT', '/v1/statements/{id}');
    expect(validate(example)).toBe(true);
    await expectDocumented(await send('PUT', `/v1/statements/${id}`, example, {}, keys.kke), 'PUT', '/v1/statements/{id}');
    const current = (await app.request(`/v1/statements/${id}`)).headers.get('etag') as string;
    const res = await send('PUT', `/v1/statements/${id}`, example, { 'if-match': current }, keys.kke);
    expect(res.status).toBe(200);
    await expectDocumented(res, 'PUT', '/v1/statements/{id}');
    expect(res.headers.get('etag')).not.toBe(current);
    const stale = await send('PUT', `/v1/statements/${id}`, example, { 'if-match': current }, keys.kke);
    expect(stale.status).toBe(412);
    await expectDocumented(stale, 'PUT', '/v1/statements/{id}');

    const { correctionNote: _note, ...unexplained } = example;
    const invalid: Array<[string, unknown]> = [
      ['no correction note', unexplained],
      ['a language (it cannot change)', { ...example, language: 'en' }],
      ['notifySubscribers not a boolean', { ...example, notifySubscribers: 'yes' }],
    ];
    for (const [what, body] of invalid) {
      expect(validate(body), what).toBe(false);
      const answer = await send('PUT', `/v1/statements/${id}`, body, { 'if-match': '"2"' }, keys.kke);
      expect(answer.status, what).toBe(422);
      const problem = (await expectDocumented(answer, 'PUT', '/v1/statements/{id}')) as { errors: Array<{ path: string }> };
      expect([...new Set(problem.errors.map((e) => e.path))].sort(), what).toEqual(ajvPaths(validate.errors));
    }
    await expectDocumented(await app.request(`/v1/statements/${id}/versions`), 'GET', '/v1/statements/{id}/versions');
  });

  it('POST /v1/statements/{id}/retraction: the example retracts; a missing or empty reason is 422', async () => {
    const example = exampleOf('POST', '/v1/statements/{id}/retraction');
    const validate = bodySchema('POST', '/v1/statements/{id}/retraction');
    for (const [what, body] of [
      ['no reason', {}],
      ['an empty reason', { reason: '' }],
      ['an unknown field', { ...example, when: 'now' }],
    ] as Array<[string, unknown]>) {
      expect(validate(body), what).toBe(false);
      const answer = await send('POST', `/v1/statements/${id}/retraction`, body, {}, keys.kke);
      expect(answer.status, what).toBe(422);
      await expectDocumented(answer, 'POST', '/v1/statements/{id}/retraction');
    }
    expect(validate(example)).toBe(true);
    const res = await send('POST', `/v1/statements/${id}/retraction`, example, {}, keys.kke);
    expect(res.status).toBe(200);
    await expectDocumented(res, 'POST', '/v1/statements/{id}/retraction');
    await expectDocumented(await app.request(`/v1/statements/${id}`), 'GET', '/v1/statements/{id}');
    await expectDocumented(await app.request(`/v1/statements/${id}/versions`), 'GET', '/v1/statements/{id}/versions');
  });

  it('POST /v1/subscriptions: the example is accepted; invalid subscriptions are 422 like the schema says', async () => {
    const example = exampleOf('POST', '/v1/subscriptions');
    const validate = bodySchema('POST', '/v1/subscriptions');
    const invalid: Array<[string, unknown]> = [
      ['no address', { ...example, email: undefined }],
      ['an address that is not one', { ...example, email: 'reader at example.org' }],
      ['a frequency of its own', { ...example, frequency: 'hourly' }],
      ['a party in capitals', { ...example, parties: ['KKE'] }],
    ];
    for (const [what, body] of invalid) {
      expect(validate(JSON.parse(JSON.stringify(body))), what).toBe(false);
      const answer = await send('POST', '/v1/subscriptions', body);
      expect(answer.status, what).toBe(422);
      const problem = (await expectDocumented(answer, 'POST', '/v1/subscriptions')) as { errors: Array<{ path: string }> };
      expect([...new Set(problem.errors.map((e) => e.path))].sort(), what).toEqual(ajvPaths(validate.errors));
    }
    expect(validate(example)).toBe(true);
    const res = await send('POST', '/v1/subscriptions', example);
    expect(res.status).toBe(202);
    await expectDocumented(res, 'POST', '/v1/subscriptions');
  });

  it('the readers’ pages and the service routes answer as documented', async () => {
    for (const [path, documentedAs] of [
      ['/healthz', '/healthz'],
      ['/v1/unsubscribe', '/v1/unsubscribe'],
      ['/v1/unsubscribe/fragment.js', '/v1/unsubscribe/fragment.js'],
      ['/v1/subscriptions/confirm?token=nonsense', '/v1/subscriptions/confirm'],
      ['/v1/subscriptions/preferences?token=nonsense', '/v1/subscriptions/preferences'],
    ] as const) {
      await expectDocumented(await app.request(path), 'GET', documentedAs);
    }
    await expectDocumented(await send('POST', '/v1/subscriptions/confirm', { token: 'nonsense' }), 'POST', '/v1/subscriptions/confirm');
    await expectDocumented(await send('POST', '/v1/unsubscribe?token=nonsense'), 'POST', '/v1/unsubscribe');
  });
});
