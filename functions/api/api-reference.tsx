// The API reference page (/v1/docs), rendered on the server from the OpenAPI document itself: no script,
// no inline style, so it works under the site's CSP everywhere (CloudFront sets that CSP on /v1/* too).
import type { Child } from 'hono/jsx';
import { Layout, renderDocument } from '../../shared/site/templates/layout.js';
import type { MediaTypeObject, OpenApiDocument, OperationObject, ResponseObject } from './openapi.js';
import type { JsonSchema } from './openapi-kit.js';

type Entry = { method: string; path: string; op: OperationObject };

/** `code` spans of a description become <code>; everything else is text (escaped by JSX). */
function Prose({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((paragraph) => (
        <p>{paragraph.split(/`([^`]+)`/).map((part, i) => (i % 2 ? <code>{part}</code> : part))}</p>
      ))}
    </>
  );
}

const schemaName = (ref: string) => ref.replace('#/components/schemas/', '');
const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(' | ');

/** A schema in a few words: its type, with a link when it is a named schema. */
function TypeOf({ schema }: { schema: JsonSchema | undefined }): Child {
  if (!schema) return 'any';
  if (typeof schema.$ref === 'string') {
    const name = schemaName(schema.$ref);
    return <a href={`#schema-${name}`}>{name}</a>;
  }
  if (Array.isArray(schema.enum)) return <code>{list(schema.enum)}</code>;
  if ('const' in schema) return <code>{JSON.stringify(schema.const)}</code>;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options))
      return (
        <>
          {(options as JsonSchema[]).map((option, i) => (
            <>
              {i ? ' or ' : ''}
              <TypeOf schema={option} />
            </>
          ))}
        </>
      );
  }
  if (schema.type === 'array')
    return (
      <>
        array of <TypeOf schema={schema.items as JsonSchema | undefined} />
      </>
    );
  if (typeof schema.type === 'string') return typeof schema.format === 'string' ? `${schema.type} (${schema.format})` : schema.type;
  return 'any';
}

/** Limits a client must respect, in words; patterns only when short enough to read. */
function limits(schema: JsonSchema): string[] {
  const out: string[] = [];
  const n = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) out.push(`${min}–${max} ${unit}`);
    else if (max !== undefined) out.push(`at most ${max} ${unit}`);
    else if (min !== undefined) out.push(`at least ${min} ${unit}`);
  };
  range(n('minLength'), n('maxLength'), 'characters');
  range(n('minItems'), n('maxItems'), 'items');
  if (n('minimum') !== undefined || n('maximum') !== undefined) range(n('minimum'), n('maximum'), '(value)');
  if (typeof schema.pattern === 'string' && schema.pattern.length <= 60) out.push(`pattern ${schema.pattern}`);
  if ('default' in schema) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

interface FieldRow {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** The fields of an object schema, nested objects and arrays of objects flattened as `a.b` and `a[].b`. */
function fieldRows(schema: JsonSchema, prefix = ''): FieldRow[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const row = { name: path, schema: property, required: required.has(name) };
    const items = property.items as JsonSchema | undefined;
    if (property.type === 'object' && property.properties) return [row, ...fieldRows(property, `${path}.`)];
    if (property.type === 'array' && items?.type === 'object' && items.properties) return [row, ...fieldRows(items, `${path}[].`)];
    return [row];
  });
}

function Fields({ schema, doc }: { schema: JsonSchema; doc: OpenApiDocument }) {
  const resolved = typeof schema.$ref === 'string' ? doc.components.schemas[schemaName(schema.$ref)] : schema;
  const rows = resolved ? fieldRows(resolved) : [];
  if (!rows.length)
    return (
      <p>
        <TypeOf schema={schema} />
      </p>
    );
  return (
    <div class="table">
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <th scope="row">
                <code>{r.name}</code>
                {r.required ? <span class="required"> required</span> : null}
              </th>
              <td>
                <TypeOf schema={r.schema} />
              </td>
              <td>
                {typeof r.schema.description === 'string' ? r.schema.description : ''}
                {limits(r.schema).map((l) => (
                  <span class="limit">{l}</span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Example({ value, label = 'Example' }: { value: unknown; label?: string }) {
  if (value === undefined) return null;
  return (
    <details>
      <summary>{label}</summary>
      <pre>
        <code>{JSON.stringify(value, null, 2)}</code>
      </pre>
    </details>
  );
}

function Media({ content }: { content: Record<string, MediaTypeObject> }) {
  return (
    <ul class="media">
      {Object.entries(content).map(([type, media]) => (
        <li>
          <code>{type}</code>
          {media.schema ? (
            <>
              {': '}
              <TypeOf schema={media.schema} />
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Responses({ responses }: { responses: Record<string, ResponseObject> }) {
  return (
    <dl class="responses">
      {Object.entries(responses).map(([status, r]) => (
        <>
          <dt class={`status s${status[0]}xx`}>{status}</dt>
          <dd>
            <Prose text={r.description} />
            {r.content ? <Media content={r.content} /> : null}
            {r.headers
              ? Object.entries(r.headers).map(([name, h]) => (
                  <p class="header">
                    Header <code>{name}</code>: {h.description}
                  </p>
                ))
              : null}
            {Object.values(r.content ?? {}).map((m) => (
              <Example value={m.example} label="Example answer" />
            ))}
          </dd>
        </>
      ))}
    </dl>
  );
}

function access(security: OperationObject['security']): string {
  if (!security.length) return 'Public: no key needed.';
  const optional = security.some((requirement) => !Object.keys(requirement).length);
  return optional
    ? 'Public; with a press key (Authorization: Bearer cq_…) it answers more.'
    : 'Needs a press key: Authorization: Bearer cq_…';
}

function Operation({ entry, doc }: { entry: Entry; doc: OpenApiDocument }) {
  const { method, path, op } = entry;
  const body = op.requestBody;
  const bodySchema = body ? Object.values(body.content).find((m) => m.schema)?.schema : undefined;
  return (
    <section class="operation" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <h3 id={`${op.operationId}-title`}>
        <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h3>
      <p class="summary">{op.summary}</p>
      {op.description ? <Prose text={op.description} /> : null}
      <p class="meta">{access(op.security)}</p>
      {op.parameters?.length ? (
        <>
          <h4>Parameters</h4>
          <Fields
            doc={doc}
            schema={{
              type: 'object',
              properties: Object.fromEntries(
                op.parameters.map((p) => [
                  `${p.name} (${p.in})`,
                  { ...p.schema, ...(p.description ? { description: p.description } : {}) },
                ]),
              ),
              required: op.parameters.filter((p) => p.required).map((p) => `${p.name} (${p.in})`),
            }}
          />
        </>
      ) : null}
      {body ? (
        <>
          <h4>Request body{body.required ? '' : ' (optional)'}</h4>
          <Media content={body.content} />
          {bodySchema ? <Fields schema={bodySchema} doc={doc} /> : null}
          {Object.values(body.content).map((m) => (
            <Example value={m.example} />
          ))}
        </>
      ) : null}
      <h4>Responses</h4>
      <Responses responses={op.responses} />
    </section>
  );
}

export function entriesByTag(doc: OpenApiDocument): Map<string, Entry[]> {
  const byTag = new Map<string, Entry[]>(doc.tags.map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op) for (const tag of op.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  return byTag;
}

export async function renderApiReference(doc: OpenApiDocument): Promise<string> {
  const byTag = entriesByTag(doc);
  const describe = (tag: string) => doc.tags.find((t) => t.name === tag)?.description ?? '';
  return renderDocument(
    <Layout title="API reference" lang="en" dir="ltr" head={<link rel="stylesheet" href="/v1/docs/reference.css" />}>
      <h1>{doc.info.title}</h1>
      <p class="meta">
        OpenAPI {doc.openapi} · version {doc.info.version} · <a href="/v1/openapi.json">openapi.json</a> · server{' '}
        <code>{doc.servers[0]?.url}</code>
      </p>
      <Prose text={doc.info.description} />
      <h2>Authentication</h2>
      {Object.values(doc.components.securitySchemes).map((s) => (
        <Prose text={`\`Authorization: Bearer ${s.bearerFormat}\`. ${s.description}`} />
      ))}
      <nav class="contents" aria-labelledby="contents">
        <h2 id="contents">Operations</h2>
        {[...byTag].map(([tag, entries]) => (
          <>
            <h3>{tag}</h3>
            <ul>
              {entries.map(({ method, path, op }) => (
                <li>
                  <a href={`#${op.operationId}`}>
                    <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
                  </a>{' '}
                  {op.summary}
                </li>
              ))}
            </ul>
          </>
        ))}
        <p>
          <a href="#schemas">Schemas</a>
        </p>
      </nav>
      {[...byTag].map(([tag, entries]) => (
        <section class="tag" aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          <Prose text={describe(tag)} />
          {entries.map((entry) => (
            <Operation entry={entry} doc={doc} />
          ))}
        </section>
      ))}
      <section aria-labelledby="schemas">
        <h2 id="schemas">Schemas</h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <section class="schema" id={`schema-${name}`} aria-labelledby={`schema-${name}-title`}>
            <h3 id={`schema-${name}-title`}>{name}</h3>
            <Fields schema={schema} doc={doc} />
          </section>
        ))}
      </section>
    </Layout>,
  );
}
