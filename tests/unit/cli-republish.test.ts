// `communique republish`: re-emits stored statements' events, locally into the outbox and on AWS to the
// stage's statement-events topic (SNS and CloudFormation are the stubbed outermost calls).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStatementRepository } from '../../shared/adapters/aws/dynamo-statements.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { tableRef } from '../../shared/runtime/aws.js';
import { localDeps, readLocalSettings } from '../../shared/runtime/local.js';
import { submitStatement } from '../../shared/services/statements.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { stageStubs, TOPIC_ARN } from '../helpers/aws-stage-stubs.js';
import { cli } from '../helpers/cli.js';
import { aStatementInput, aStatementSummary, DEMO_PARTIES } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';

describe('republish on the embedded platform', () => {
  beforeAll(async () => {
    process.env.DATA_DIR = tempDir();
    process.env.DEMO_DATA = 'off';
    const p = localDeps(readLocalSettings());
    for (const party of DEMO_PARTIES) await p.parties.put(party);
    for (let i = 0; i < 3; i++) await submitStatement(p, 'kke', aStatementInput());
    // The relay ran, then the queued work was lost (say, a data dir restored from an older backup).
    p.queues.relayOutbox();
    p.db.prepare('DELETE FROM queue_messages').run();
    p.db.close();
  });

  it('queues the events of statements stored since a time, for the running platform to relay', async () => {
    const r = await cli(['republish', '--since', '2000-01-01T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toMatch(
      /^republished 3 of 3 statement\(s\) stored since 2000-01-01T00:00:00\.000Z \(0 had never been relayed\); queued/,
    );
    const p = localDeps(readLocalSettings());
    expect(p.queues.outboxDepth()).toBe(3);
    expect(p.queues.relayOutbox()).toBe(3);
    expect(p.queues.depth('render-pages')).toBe(3);
    p.db.close();
  });

  it('with --unrelayed, leaves alone what the relay passed on', async () => {
    const r = await cli(['republish', '--since', '2000-01-01T00:00:00Z', '--unrelayed']);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toContain('republished 0 of 3');
  });

  it('refuses a time it cannot read, in one line, with exit code 2', async () => {
    const r = await cli(['republish', '--since', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([expect.stringContaining('e.g. 2026-11-28T00:00:00Z')]);
  });
});

describe('republish --target aws', () => {
  let servers: AwsTestServers;
  let tableName: string;
  const { published, outputs, clients: stubbed } = stageStubs();
  const topicArn = TOPIC_ARN;

  beforeAll(async () => {
    servers = await startAwsTestServers();
    tableName = await servers.newTable();
    outputs['Communique-dev-Data'] = [{ OutputKey: 'TableName', OutputValue: tableName }];
    const statements = new DynamoStatementRepository(tableRef(servers.dynamo, tableName));
    for (const [i, createdAt] of ['2026-11-01T00:00:00.000Z', '2026-11-20T00:00:00.000Z'].entries()) {
      const summary = aStatementSummary({ id: `0000000000000000000${i}`, title: `t${i}`, createdAt });
      const event: StatementEvent = {
        type: 'statement.published',
        statementId: summary.id,
        version: 1,
        party: 'kke',
        occurredAt: createdAt,
      };
      await statements.create(summary, event);
    }
  });
  afterAll(() => servers.stop());

  const clients = () => stubbed(servers);

  it('says to redeploy when the Pipeline stack has no topic output', async () => {
    const r = await cli(['--target', 'aws', '--stage', 'dev', 'republish', '--since', '2026-11-10T00:00:00Z'], clients());
    expect(r.code).toBe(2);
    expect(r.errors[0]).toContain('Communique-dev-Pipeline has no StatementEventsTopicArn output');
  });

  it('publishes the stored events of statements stored since then to the stage’s topic', async () => {
    outputs['Communique-dev-Pipeline'] = [{ OutputKey: 'StatementEventsTopicArn', OutputValue: topicArn }];
    const r = await cli(['--target', 'aws', '--stage', 'dev', 'republish', '--since', '2026-11-10T00:00:00Z'], clients());
    expect(r.code).toBe(0);
    expect(published.map((m) => m.TopicArn)).toEqual([topicArn]);
    expect(JSON.parse(published[0]?.Message as string)).toMatchObject({
      statementId: '00000000000000000001',
      occurredAt: '2026-11-20T00:00:00.000Z',
    });
    expect(r.lines.at(-1)).toContain('republished 1 of 1 statement(s)');
  });
});
