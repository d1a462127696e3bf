// Lambda event objects of the real shapes: HTTP API v2, SQS with SNS envelopes, DynamoDB streams.
import type { APIGatewayProxyEventV2, AttributeValue, Context, DynamoDBRecord, SQSEvent, SQSRecord } from 'aws-lambda';

export function httpApiEvent(
  method: string,
  rawPath: string,
  opts: { body?: string; headers?: Record<string, string>; query?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: opts.query ?? '',
    headers: { host: 'abc123.execute-api.eu-central-1.amazonaws.com', 'user-agent': 'curl/8.5.0', ...opts.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '29/Nov/2026:00:00:00 +0000',
      timeEpoch: 1795910400000,
    },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    isBase64Encoded: false,
  };
}

/** One SQS record of a batch, as the event source mapping delivers it from `queue`. */
function sqsRecord(body: string, messageId: string, queue: string): SQSRecord {
  return {
    messageId,
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795910400000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1795910400001',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-central-1:123456789012:${queue}`,
    awsRegion: 'eu-central-1',
  };
}

export function snsInSqsEvent(messages: unknown[]): SQSEvent {
  return {
    Records: messages.map((m, i) =>
      sqsRecord(
        JSON.stringify({
          Type: 'Notification',
          MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5${i}`,
          TopicArn: 'arn:aws:sns:eu-central-1:123456789012:communique-dev-statement-events',
          Message: typeof m === 'string' ? m : JSON.stringify(m),
          Timestamp: '2026-11-29T00:00:00.000Z',
          SignatureVersion: '1',
          Signature:
            'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
          SigningCertUrl: 'https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl:
            'https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-central-1:123456789012:communique-dev-statement-events:0b0b0b0b',
        }),
        `059f36b4-87a3-44ab-83d2-66197${String(i).padStart(7, '0')}`,
        'communique-dev-render-pages',
      ),
    ),
  };
}

/** An SQS batch of messages the platform queued itself (the email jobs): bodies as they were sent. */
export function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) =>
      sqsRecord(body, `7a1e2c3d-0000-4000-8000-${String(i).padStart(12, '0')}`, 'communique-dev-email-jobs'),
    ),
  };
}

export function streamRecord(
  newImage: Record<string, AttributeValue>,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
  oldImage?: Record<string, AttributeValue>,
): DynamoDBRecord {
  return {
    eventID: 'c4ca4238a0b923820dcc509a6f75849b',
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-central-1',
    dynamodb: {
      ApproximateCreationDateTime: 1795910400,
      Keys: { pk: newImage.pk as AttributeValue, sk: newImage.sk as AttributeValue },
      NewImage: newImage,
      ...(oldImage ? { OldImage: oldImage } : {}),
      SequenceNumber: '4421584500000000017450439091',
      SizeBytes: 26,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:eu-central-1:123456789012:table/communique-dev/stream/2026-11-29T00:00:00.000',
  };
}

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'communique-dev-render-pages',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:communique-dev-render-pages',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/communique-dev-render-pages',
  logStreamName: '2026/11/29/[$LATEST]abc',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;
