// What exists only to make retries safe expires (DynamoDB TTL), and nothing relies on it past that.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSendLedger } from '../../shared/adapters/aws/dynamo-email.js';
import { DynamoStatementRepository } from '../../shared/adapters/aws/dynamo-statements.js';
import { IDEMPOTENCY_KEY_DAYS, MAIL_WINDOW_DAYS, SEND_LEDGER_DAYS } from '../../shared/domain/retention.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import { tableRef } from '../../shared/runtime/aws.js';
import { submitStatement } from '../../shared/services/statements.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { mailEvent } from '../helpers/mail.js';

const DAY_S = 24 * 60 * 60;

describe('TTLs in DynamoDB (on dynalite)', () => {
  let servers: AwsTestServers;
  beforeAll(async () => {
    servers = await startAwsTestServers();
  });
  afterAll(() => servers.stop());

  it('gives idempotency records and send-ledger entries an expiresAt in epoch seconds', async () => {
    const t = tableRef(servers.dynamo, await servers.newTable());
    await new DynamoStatementRepository(t).reserveIdempotencyKey({ party: 'kke', key: 'k', fingerprint: 'f', statementId: 's' });
    const ledger = new DynamoSendLedger(t);
    await ledger.claim('s#1', ['sub'], 60_000);
    const now = Date.now() / 1000;
    const item = async (pk: string, sk: string) => (await t.client.send(new GetCommand({ TableName: t.tableName, Key: { pk, sk } }))).Item;
    expect((await item('IDEMP#kke#k', 'IDEMP'))?.expiresAt).toBeCloseTo(now + IDEMPOTENCY_KEY_DAYS * DAY_S, -2);
    expect((await item('SENT#s#1#sub', 'SENT'))?.expiresAt).toBeCloseTo(now + SEND_LEDGER_DAYS * DAY_S, -2);
    await ledger.markSent('s#1', ['sub']);
    expect((await item('SENT#s#1#sub', 'SENT'))?.expiresAt).toBeCloseTo(now + SEND_LEDGER_DAYS * DAY_S, -2);
  });

  it('keeps the ledger longer than the mail window', () => {
    expect(SEND_LEDGER_DAYS).toBeGreaterThan(MAIL_WINDOW_DAYS);
  });
});

describe('the mail window', () => {
  it('sends nothing for an event older than the window (a late redelivery or a republish of old statements)', async () => {
    const p = await aLocalPlatform();
    await p.subscribers.put(newSubscriber({ email: 'all@example.org', parties: [], languages: [] }, new Date('2020-01-01T00:00:00Z')));
    const { statement } = await submitStatement(p, 'kke', aStatementInput());
    const event = { type: 'statement.published', statementId: statement.id, version: 1, party: 'kke' } as const;
    const old = new Date(Date.now() - (MAIL_WINDOW_DAYS + 1) * DAY_S * 1000).toISOString();
    expect((await mailEvent(p, { ...event, occurredAt: old })).sent).toEqual([]);
    expect((await mailEvent(p, { ...event, occurredAt: statement.createdAt })).sent).toHaveLength(1);
    p.cleanup();
  });
});
