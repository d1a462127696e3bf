// What the API's IAM policy lets it write (by leading key, infra/stacks/api-stack.ts) is what its code
// writes: every item a submission, a signature and an import put or update on DynamoDB (dynalite, which
// checks no IAM) has a partition key the grant names. A new kind of item fails here, not in production.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { API_ITEMS } from '../../infra/stacks/api-stack.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { prepareAttachment } from '../../shared/services/attachments.js';
import { commitImports, prepareImport } from '../../shared/services/import.js';
import { signStatement, submitStatement } from '../../shared/services/statements.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { aPressKey, DeskAgent } from '../helpers/desk-agent.js';
import { aStatementInput, DEMO_PARTIES } from '../helpers/factories.js';

let servers: AwsTestServers;
beforeAll(async () => {
  servers = await startAwsTestServers();
});
afterAll(() => servers.stop());

type Attr = { S?: string } | string | undefined;
const keyOf = (pk: Attr) => (typeof pk === 'string' ? pk : pk?.S);

/** The partition keys of every item a command writes. */
function writtenKeys(name: string, input: Record<string, unknown>): Array<string | undefined> {
  if (name === 'PutItemCommand') return [keyOf((input.Item as { pk: Attr }).pk)];
  if (name === 'UpdateItemCommand' || name === 'DeleteItemCommand') return [keyOf((input.Key as { pk: Attr }).pk)];
  if (name === 'BatchWriteItemCommand') {
    return Object.values(input.RequestItems as Record<string, Array<{ PutRequest?: { Item: { pk: Attr } } }>>)
      .flat()
      .map((r) => keyOf(r.PutRequest?.Item.pk));
  }
  return [];
}

const granted = (pk: string) => API_ITEMS.some((pattern) => (pattern.endsWith('*') ? pk.startsWith(pattern.slice(0, -1)) : pk === pattern));

describe('the API’s table grant', () => {
  it('covers every item that submitting, signing, importing and preparing an attachment write', async () => {
    const dynamo = new DynamoDBClient({
      endpoint: servers.endpoints.dynamo,
      region: 'us-east-1',
      credentials: servers.dynamo.config.credentials,
    });
    const seen = new Set<string>();
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        for (const pk of writtenKeys(context.commandName as string, args.input as Record<string, unknown>)) if (pk) seen.add(pk);
        return next(args);
      },
      { step: 'initialize', name: 'recordWrites' },
    );
    const p = awsDeps(
      {
        TABLE_NAME: await servers.newTable(),
        CONTENT_BUCKET: await servers.newBucket(),
        SITE_URL: 'http://localhost:3000',
        MAIL_FROM: 'statements@example.org',
        S3_FORCE_PATH_STYLE: 'true',
      },
      { dynamo, s3: servers.s3 },
    );
    for (const party of DEMO_PARTIES) await p.parties.put(party);
    seen.clear(); // parties are the operator's (CLI), not the API's
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ topics: ['peace'], cosigners: ['tkp'] }), 'idem-1');
    await signStatement(p, 'tkp', statement.id);
    const archived = await prepareImport(p, {
      id: 'st-000001',
      party: 'tudeh',
      cosigners: [],
      language: 'fa',
      title: 'Archived',
      summary: '',
      body: 'Text',
      topics: ['workers'],
      countries: ['IR'],
      publishedAt: '2010-01-01T00:00:00Z',
      translationOf: null,
    });
    if (archived !== 'already there') await commitImports(p, [archived]);
    // --- attachments: preparing an upload stores its record ---
    await prepareAttachment(p, 'kke', { filename: 'declaration.pdf', contentType: 'application/pdf', size: 10 });

    expect([...seen].some((pk) => pk.startsWith('LIST#'))).toBe(true);
    expect([...seen].filter((pk) => !granted(pk))).toEqual([]);

    // Through the app, as a press office works: a key's use recorded, keys issued and revoked, the audit
    // log, corrections, a retraction, a translation, and a session of the web desk.
    const { key } = await aPressKey(p, 'kke');
    seen.clear(); // issuing the first key is the operator's (CLI)
    const app = createApp(p);
    const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const created = (await (await send('POST', '/v1/statements', aStatementInput({ language: 'el' }))).json()) as { id: string };
    const correction = { title: 'Corrected', body: 'Text', topics: [], correctionNote: 'Typo' };
    expect((await send('PUT', `/v1/statements/${created.id}`, correction, { 'if-match': '"1"' })).status).toBe(200);
    expect((await send('POST', '/v1/statements', aStatementInput({ language: 'en', translationOf: created.id }))).status).toBe(201);
    expect((await send('POST', `/v1/statements/${created.id}/retraction`, { reason: 'In error' })).status).toBe(200);
    const issued = (await (await send('POST', '/v1/keys', { name: 'second laptop' })).json()) as { keyId: string };
    expect((await send('DELETE', `/v1/keys/${issued.keyId}`)).status).toBe(200);
    expect((await send('GET', '/v1/audit')).status).toBe(200);
    const desk = new DeskAgent(app);
    expect((await desk.signIn(key)).status).toBe(303);
    expect(desk.cookie).toBeDefined();
    expect([...seen].some((pk) => pk.startsWith('AUDIT#'))).toBe(true);
    expect([...seen].filter((pk) => !granted(pk))).toEqual([]);
  });
});
