// What the IAM policies let the API and publish-scheduled write and delete (by leading key) is what their
// code writes and deletes for embargoes, on DynamoDB (dynalite, which checks no IAM): scheduling, changing
// and cancelling (the API), and publishing (publish-scheduled). A new kind of item fails here, not in production.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHER_DELETED_ITEMS, PUBLISHER_ITEMS } from '../../infra/constructs/embargo-publisher.js';
import { API_DELETED_ITEMS, API_ITEMS } from '../../infra/stacks/api-stack.js';
import type { Platform } from '../../shared/platform.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { publishScheduled } from '../../shared/services/publish-scheduled.js';
import { changeScheduled } from '../../shared/services/scheduled-changes.js';
import { cancelScheduled } from '../../shared/services/scheduling.js';
import { submitStatement } from '../../shared/services/statements.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { aStatementInput, DEMO_PARTIES } from '../helpers/factories.js';

let servers: AwsTestServers;
beforeAll(async () => {
  servers = await startAwsTestServers();
});
afterAll(() => servers.stop());

type Attr = { S?: string } | string | undefined;
const keyOf = (pk: Attr) => (typeof pk === 'string' ? pk : pk?.S);
const granted = (patterns: string[], pk: string) =>
  patterns.some((pattern) => (pattern.endsWith('*') ? pk.startsWith(pattern.slice(0, -1)) : pk === pattern));

/** A platform on dynalite whose table writes and deletes are recorded by partition key. */
async function recordedPlatform() {
  const dynamo = new DynamoDBClient({
    endpoint: servers.endpoints.dynamo,
    region: 'us-east-1',
    credentials: servers.dynamo.config.credentials,
  });
  const written = new Set<string>();
  const deleted = new Set<string>();
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (context.commandName === 'PutItemCommand') written.add(keyOf((input.Item as { pk: Attr }).pk) as string);
      if (context.commandName === 'UpdateItemCommand') written.add(keyOf((input.Key as { pk: Attr }).pk) as string);
      if (context.commandName === 'DeleteItemCommand') deleted.add(keyOf((input.Key as { pk: Attr }).pk) as string);
      if (context.commandName === 'BatchWriteItemCommand') {
        for (const r of Object.values(input.RequestItems as Record<string, Array<{ PutRequest?: { Item: { pk: Attr } } }>>).flat()) {
          written.add(keyOf(r.PutRequest?.Item.pk) as string);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordWrites' },
  );
  const p: Platform = awsDeps(
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
  written.clear(); // parties are the operator's (CLI)
  const clock = { ms: Date.now(), now: () => new Date(clock.ms) };
  return { p: { ...p, clock }, clock, written, deleted };
}

describe('the table grants for embargoes', () => {
  it('cover what the API writes and deletes to schedule, change and cancel', async () => {
    const { p, clock, written, deleted } = await recordedPlatform();
    const inAnHour = () => new Date(clock.ms + 3_600_000).toISOString();
    const kept = await submitStatement(p, 'kke', aStatementInput({ publishAt: inAnHour() }), 'idem-embargo');
    await changeScheduled(p, 'kke', kept.statement.id, aStatementInput({ publishAt: inAnHour() }), '"s1"');
    const cancelled = await submitStatement(p, 'kke', aStatementInput({ publishAt: inAnHour() }));
    await cancelScheduled(p, 'kke', cancelled.statement.id);

    expect([...written].some((pk) => pk.startsWith('SCHEDULED#'))).toBe(true);
    expect([...written].filter((pk) => !granted(API_ITEMS, pk))).toEqual([]);
    expect([...deleted].filter((pk) => !granted(API_DELETED_ITEMS, pk))).toEqual([]);
  });

  it('cover what publish-scheduled writes and deletes to publish', async () => {
    const { p, clock, written, deleted } = await recordedPlatform();
    const { statement } = await submitStatement(
      p,
      'kke',
      aStatementInput({ publishAt: new Date(clock.ms + 60_000).toISOString(), cosigners: ['tkp'] }),
    );
    written.clear();
    clock.ms += 60_000;
    expect(await publishScheduled(p, { id: statement.id, party: 'kke' })).toBe('published');

    expect([...written].some((pk) => pk.startsWith('LIST#'))).toBe(true);
    expect([...written].filter((pk) => !granted(PUBLISHER_ITEMS, pk))).toEqual([]);
    expect([...deleted]).not.toEqual([]);
    expect([...deleted].filter((pk) => !granted(PUBLISHER_DELETED_ITEMS, pk))).toEqual([]);
  });
});
