// The Lambda entry points, imported as Lambda imports them (environment, module scope) and called with
// events of the real shapes; their AWS calls go to dynalite and s3rver.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsEventPublisher } from '../../shared/adapters/aws/sns-publisher.js';
import { eventOfStreamRecord, relayStreamRecords } from '../../shared/consumers/stream-relay.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import type { Platform } from '../../shared/platform.js';
import { awsDeps, readAwsSettings } from '../../shared/runtime/aws.js';
import { type AwsTestServers, lambdaEnvironment, startAwsTestServers } from '../helpers/aws-servers.js';
import { aStatementInput, DEMO_PARTIES } from '../helpers/factories.js';
import { httpApiEvent, lambdaContext, snsInSqsEvent, streamRecord } from '../helpers/lambda-events.js';

let servers: AwsTestServers;
let platform: Platform;
let siteBucket: string;

beforeAll(async () => {
  servers = await startAwsTestServers();
  // The bad record below is logged by design (lambda-batches.test.ts reads that line); not here.
  const env = await lambdaEnvironment(servers, { POWERTOOLS_LOG_LEVEL: 'CRITICAL' });
  siteBucket = env.SITE_BUCKET as string;
  Object.assign(process.env, env);
  platform = awsDeps(readAwsSettings(), { dynamo: servers.dynamo, s3: servers.s3 });
  for (const p of DEMO_PARTIES) await platform.parties.put(p);
});
afterAll(async () => {
  await servers.stop();
});

describe('functions/api/handler', () => {
  it('answers an HTTP API v2 event: 201 for a statement, stored in DynamoDB and S3', async () => {
    const { handler } = await import('../../functions/api/handler.js');
    const { key, record } = issuePressKey('jcp', new Date());
    await platform.keys.put(record);
    const event = httpApiEvent('POST', '/v1/statements', {
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(aStatementInput({ language: 'ja', title: '労働者の権利', body: '日本共産党は**労働者**の権利を守る' })),
    });
    const res = (await handler(event as never, lambdaContext)) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body) as { id: string; party: string };
    expect(res.headers.location).toBe(`/v1/statements/${body.id}`);
    expect(body.party).toBe('jcp');
    expect((await platform.statements.get(body.id))?.title).toBe('労働者の権利');
  });

  it('answers problem+json through Lambda too', async () => {
    const { handler } = await import('../../functions/api/handler.js');
    const res = (await handler(httpApiEvent('POST', '/v1/statements', { body: '{}' }) as never, lambdaContext)) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });
});

describe('functions/render-pages/handler', () => {
  it('renders the pages of the statement in an SNS-in-SQS record, reports a bad record as a partial failure, and sends it to be revalidated', async () => {
    const { handler } = await import('../../functions/render-pages/handler.js');
    const list = await platform.statements.list({ limit: 1 });
    const id = list.items[0]?.id as string;
    const good = { type: 'statement.published', statementId: id, version: 1, party: 'jcp', occurredAt: new Date().toISOString() };
    const sqsEvent = snsInSqsEvent([good, { type: 'something.else' }]);
    const res = await handler(sqsEvent, lambdaContext);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: sqsEvent.Records[1]?.messageId }]);
    const page = Buffer.from((await platform.site.get(`statements/${id}/index.html`)) ?? []).toString('utf8');
    expect(page).toContain('<html lang="ja" dir="ltr">');
    expect(page).toContain('<strong>労働者</strong>');
    // No CDN invalidation: the page is written to be revalidated at every request instead.
    const head = await servers.s3.send(new HeadObjectCommand({ Bucket: siteBucket, Key: `statements/${id}/index.html` }));
    expect(head.CacheControl).toBe('public, max-age=0, must-revalidate');
  });
});

describe('functions/suppress-addresses/handler', () => {
  it('stops mail to permanently bounced and complaining subscribers, not to transient bounces, and counts them', async () => {
    const { handler } = await import('../../functions/suppress-addresses/handler.js');
    const add = async (email: string) => {
      const s = newSubscriber({ email, parties: [], languages: [] }, new Date());
      await platform.subscribers.put(s);
      return s.id;
    };
    const [hard, soft, angry] = [await add('gone@example.org'), await add('full@example.org'), await add('angry@example.org')];
    const mail = { messageId: '0100018c-abc', timestamp: '2026-11-29T00:00:00.000Z', source: 'statements@example.org', destination: [] };
    const feedback = [
      {
        eventType: 'Bounce',
        mail,
        bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'Gone@example.org' }] },
      },
      {
        eventType: 'Bounce',
        mail,
        bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: 'full@example.org' }] },
      },
      {
        eventType: 'Complaint',
        mail,
        complaint: { complainedRecipients: [{ emailAddress: 'angry@example.org' }], complaintFeedbackType: 'abuse' },
      },
    ];
    const res = await handler(snsInSqsEvent(feedback), lambdaContext);
    expect(res.batchItemFailures).toEqual([]);
    expect((await platform.subscribers.get(hard))?.suppressedFor).toBe('bounce');
    expect((await platform.subscribers.get(soft))?.unsubscribedAt).toBeUndefined();
    expect((await platform.subscribers.get(angry))?.suppressedFor).toBe('complaint');
    // Counted for `email stats`, once: the same notifications again count nothing more.
    const today = new Date().toISOString().slice(0, 10);
    expect(await platform.emailStats.since(today)).toEqual([{ day: today, sent: 0, bounces: 1, complaints: 1 }]);
    expect((await handler(snsInSqsEvent(feedback), lambdaContext)).batchItemFailures).toEqual([]);
    expect(await platform.emailStats.since(today)).toEqual([{ day: today, sent: 0, bounces: 1, complaints: 1 }]);
  });
});

describe('the stream relay', () => {
  const event = { type: 'statement.published', statementId: 'abc', version: 1, party: 'kke', occurredAt: '2026-11-29T00:00:00.000Z' };
  const item = { pk: 'STMT#abc', sk: 'STMT', gsi1pk: 'FEED', gsi1sk: '2026-11-29T00:00:00.000Z#abc', data: { id: 'abc' }, event };

  it('maps an inserted statement item to its event, and ignores other records', () => {
    expect(eventOfStreamRecord(streamRecord(marshall(item) as never))).toEqual(event);
    // The relay marking the statement relayed: the same event, nothing to relay.
    const relayed = marshall({ ...item, relayedAt: '2026-11-29T00:00:01.000Z' }) as never;
    expect(eventOfStreamRecord(streamRecord(relayed, 'MODIFY', marshall(item) as never))).toBeUndefined();
    expect(eventOfStreamRecord(streamRecord(marshall({ pk: 'STMT#abc', sk: 'PARTY#kke', statementId: 'abc' }) as never))).toBeUndefined();
    expect(eventOfStreamRecord(streamRecord(marshall({ pk: 'KEY#x', sk: 'KEY', data: {} }) as never))).toBeUndefined();
  });

  it('maps a statement item modified with a new event (a cosigner signed) to that event', () => {
    const signed = { ...event, type: 'statement.signed', version: 2, party: 'tkp' };
    const record = streamRecord(marshall({ ...item, event: signed }) as never, 'MODIFY', marshall(item) as never);
    expect(eventOfStreamRecord(record)).toEqual(signed);
  });

  it('publishes each event to SNS, marks its statement relayed, and fails the batch when SNS fails', async () => {
    const published: Array<{ input: { TopicArn: string; Message: string } }> = [];
    const sns = { send: async (c: never) => published.push(c) };
    const publisher = new SnsEventPublisher(sns as never, 'arn:aws:sns:eu-central-1:123456789012:events');
    const marked: string[] = [];
    const statements = { markRelayed: async (id: string, version: number) => void marked.push(`${id}@${version}`) };
    expect(await relayStreamRecords([streamRecord(marshall(item) as never)], publisher, statements)).toBe(1);
    expect(JSON.parse(published[0]?.input.Message as string)).toEqual(event);
    expect(marked).toEqual(['abc@1']);
    const failing = new SnsEventPublisher({ send: async () => Promise.reject(new Error('SNS down')) } as never, 'arn:x');
    await expect(relayStreamRecords([streamRecord(marshall(item) as never)], failing, statements)).rejects.toThrow('SNS down');
    // Nothing is marked relayed that did not reach SNS.
    expect(marked).toEqual(['abc@1']);
  });
});
