// `communique rebuild`: locally into another folder (--out), and on AWS as a fan-out of one
// statement.rebuild event per stored statement to the stage's topic (SNS and CloudFormation are the
// stubbed outermost calls), numbering on the way a statement stored before listings existed.
import fs from 'node:fs';
import path from 'node:path';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoListingRepository } from '../../shared/adapters/aws/dynamo-listings.js';
import { DynamoStatementRepository } from '../../shared/adapters/aws/dynamo-statements.js';
import { tableRef } from '../../shared/runtime/aws.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { stageStubs, TOPIC_ARN } from '../helpers/aws-stage-stubs.js';
import { cli } from '../helpers/cli.js';
import { aStatementSummary, publishedEvent } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';

describe('rebuild on the embedded platform', () => {
  const dataDir = tempDir();
  const out = tempDir('communique-out-');
  beforeAll(() => {
    process.env.DATA_DIR = dataDir;
    process.env.DEMO_DATA = 'off';
  });
  afterAll(() => {
    for (const dir of [dataDir, out]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the whole site into another folder with --out, and says so', async () => {
    expect(
      (await cli(['parties', 'add', '--id', 'kke', '--name', 'Communist Party of Greece', '--country', 'GR', '--language', 'el'])).code,
    ).toBe(0);
    // What the first search index format left behind goes.
    for (const old of ['search/shards/07.json', 'search/docs/abc.json']) {
      fs.mkdirSync(path.dirname(path.join(out, old)), { recursive: true });
      fs.writeFileSync(path.join(out, old), '{}');
    }
    const r = await cli(['rebuild', '--out', out]);
    expect(r.code, r.errors.join('\n')).toBe(0);
    expect(fs.existsSync(path.join(out, 'search/shards/07.json'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'search/docs/abc.json'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'search/v2/manifest.json'))).toBe(true);
    expect(r.lines.at(-1)).toMatch(/^rebuilt \d+ files \(\d+ changed\) from 0 statements, 0 indexed for search, in [\d.]+ s, into /);
    // With nothing published, the shell and its placeholders.
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Nothing published yet');
    expect(fs.existsSync(path.join(out, 'robots.txt'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'site', 'robots.txt'))).toBe(false);
  });
});

describe('rebuild --target aws', () => {
  let servers: AwsTestServers;
  let tableName: string;
  const { published, outputs, clients: stubbed } = stageStubs();
  const clients = () => stubbed(servers);
  const topicArn = TOPIC_ARN;

  beforeAll(async () => {
    servers = await startAwsTestServers();
    tableName = await servers.newTable();
    outputs['Communique-dev-Data'] = [{ OutputKey: 'TableName', OutputValue: tableName }];
    outputs['Communique-dev-Pipeline'] = [{ OutputKey: 'StatementEventsTopicArn', OutputValue: topicArn }];
    const t = tableRef(servers.dynamo, tableName);
    const statements = new DynamoStatementRepository(t);
    for (const [i, createdAt] of ['2026-11-01T00:00:00.000Z', '2026-11-20T00:00:00.000Z'].entries()) {
      const summary = aStatementSummary({ id: `st-00000${i}`, title: `t${i}`, createdAt, publishedAt: createdAt });
      await statements.create(summary, publishedEvent(summary));
    }
    // The first as a version before listings stored it: no place in any listing.
    const items = await t.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'STMT#st-000000' },
      }),
    );
    for (const item of items.Items ?? []) {
      if (!String(item.sk).startsWith('IN#')) continue;
      await t.client.send(new DeleteCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
      await t.client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: `LIST#${String(item.sk).slice(3)}`, sk: String(item.seq).padStart(10, '0') },
        }),
      );
    }
  });
  afterAll(() => servers.stop());

  it('publishes one rebuild event per stored statement, numbering a statement that was not', async () => {
    const t = tableRef(servers.dynamo, tableName);
    const statements = new DynamoStatementRepository(t);
    const listings = new DynamoListingRepository(t, (ids) => statements.committedSummaries(ids));
    expect((await listings.range('party:kke', 1, 10)).map((e) => e.summary.id)).toEqual(['st-000001']);
    const r = await cli(['--target', 'aws', '--stage', 'dev', 'rebuild'], clients());
    expect(r.code, r.errors.join('\n')).toBe(0);
    const events = published.map((m) => JSON.parse(m.Message) as { type: string; statementId: string });
    expect(events.map((e) => [e.type, e.statementId])).toEqual([
      ['statement.rebuild', 'st-000000'],
      ['statement.rebuild', 'st-000001'],
    ]);
    expect(r.lines.at(-1)).toContain('published 2 rebuild event(s) to the statement-events topic');
    expect((await listings.range('party:kke', 1, 10)).map((e) => e.summary.id).sort()).toEqual(['st-000000', 'st-000001']);
  });

  it('refuses --out: a stage rebuilds into its own bucket', async () => {
    const r = await cli(['--target', 'aws', '--stage', 'dev', 'rebuild', '--out', '/tmp/x'], clients());
    expect(r.code).toBe(2);
    expect(r.errors[0]).toContain('--out writes a local copy');
  });
});
