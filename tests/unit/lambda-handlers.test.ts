// The Lambda entry points, imported as Lambda imports them (environment, module scope) and called with
// events of the real shapes; their AWS calls go to dynalite and s3rver.
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsEventPublisher } from '../../shared/adapters/aws/sns-publisher.js';
import { eventOfStreamRecord, relayStreamRecords } from '../../shared/consumers/stream-relay.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import type { Platform } from '../../shared/platform.js';
import { awsDeps, readAwsSettings } from '../../shared/runtime/aws.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { type CloudFrontStub, startCloudFrontStub } from '../helpers/cloudfront-stub.js';
import { aStatementInput, DEMO_PARTIES } from '../helpers/factories.js';
import { httpApiEvent, lambdaContext, snsInSqsEvent, streamRecord } from '../helpers/lambda-events.js';

let servers: AwsTestServers;
let cloudFront: CloudFrontStub;
let platform: Platform;
let siteBucket: string;

beforeAll(async () => {
  servers = await startAwsTestServers();
  cloudFront = await startCloudFrontStub();
  siteBucket = await servers.newBucket();
  Object.assign(process.env, {
    TABLE_NAME: await servers.newTable(),
    CONTENT_BUCKET: await servers.newBucket(),
    SITE_BUCKET: siteBucket,
    SITE_URL: 'https://statements.example.org',
    MAIL_FROM: 'statements@example.org',
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: servers.endpoints.dynamo,
    AWS_ENDPOINT_URL_S3: servers.endpoints.s3,
    AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.endpoint,
    DISTRIBUTION_ID: 'E2QWRUHAPOMQZL',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
  platform = awsDeps(readAwsSettings(), { dynamo: servers.dynamo, s3: servers.s3 });
  for (const p of DEMO_PARTIES) await platform.parties.put(p);
});
afterAll(async () => {
  await servers.stop();
  await cloudFront.stop();
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
  it('renders the pages of the statement in an SNS-in-SQS record, reports a bad record as a partial failure, and invalidates once', async () => {
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
    expect(cloudFront.invalidations).toHaveLength(1);
    expect(cloudFront.invalidations[0]).toEqual(
      expect.arrayContaining([`/statements/${id}/index.html`, '/index.html', '/parties/jcp/index.html']),
    );
  });
});

describe('functions/suppress-addresses/handler', () => {
  it('stops mail to permanently bounced and complaining subscribers, not to transient bounces', async () => {
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
  });
});

describe('the stream relay', () => {
  const event = { type: 'statement.published', statementId: 'abc', version: 1, party: 'kke', occurredAt: '2026-11-29T00:00:00.000Z' };
  const item = { pk: 'STMT#abc', sk: 'STMT', gsi1pk: 'FEED', gsi1sk: '2026-11-29T00:00:00.000Z#abc', data: { id: 'abc' }, event };

  it('maps an inserted statement item to its event, and ignores other records', () => {
    expect(eventOfStreamRecord(streamRecord(marshall(item) as never))).toEqual(event);
    expect(eventOfStreamRecord(streamRecord(marshall(item) as never, 'MODIFY'))).toBeUndefined();
    expect(eventOfStreamRecord(streamRecord(marshall({ pk: 'STMT#abc', sk: 'PARTY#kke', statementId: 'abc' }) as never))).toBeUndefined();
    expect(eventOfStreamRecord(streamRecord(marshall({ pk: 'KEY#x', sk: 'KEY', data: {} }) as never))).toBeUndefined();
  });

  it('publishes each event to SNS and fails the batch when SNS fails', async () => {
    const published: Array<{ input: { TopicArn: string; Message: string } }> = [];
    const sns = { send: async (c: never) => published.push(c) };
    const publisher = new SnsEventPublisher(sns as never, 'arn:aws:sns:eu-central-1:123456789012:events');
    expect(await relayStreamRecords([streamRecord(marshall(item) as never)], publisher)).toBe(1);
    expect(JSON.parse(published[0]?.input.Message as string)).toEqual(event);
    const failing = new SnsEventPublisher({ send: async () => Promise.reject(new Error('SNS down')) } as never, 'arn:x');
    await expect(relayStreamRecords([streamRecord(marshall(item) as never)], failing)).rejects.toThrow('SNS down');
  });
});
