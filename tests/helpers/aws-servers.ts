// dynalite (DynamoDB API) and s3rver (S3 API) on 127.0.0.1 free ports, started and stopped by the tests.

import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { tempDir } from './local-platform.js';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const region = 'us-east-1';

export interface AwsTestServers {
  dynamo: DynamoDBClient;
  s3: S3Client;
  endpoints: { dynamo: string; s3: string };
  /** A fresh table with the production key schema. */
  newTable(): Promise<string>;
  newBucket(): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startAwsTestServers(): Promise<AwsTestServers> {
  const dynamoServer = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => dynamoServer.listen(0, '127.0.0.1', resolve));
  const dynamoPort = (dynamoServer.address() as AddressInfo).port;
  const s3Dir = tempDir('communique-s3rver-');
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir });
  const { port: s3Port } = await s3rver.run();

  const dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynamoPort}`, region, credentials });
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${s3Port}`,
    region,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    dynamo,
    s3,
    endpoints: { dynamo: `http://127.0.0.1:${dynamoPort}`, s3: `http://127.0.0.1:${s3Port}` },
    async newTable() {
      const name = `communique-test-${++counter}`;
      await dynamo.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'gsi1',
              KeySchema: [
                { AttributeName: 'gsi1pk', KeyType: 'HASH' },
                { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
      return name;
    },
    async newBucket() {
      const name = `communique-test-${++counter}`;
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async stop() {
      dynamo.destroy();
      s3.destroy();
      await s3rver.close();
      await new Promise<void>((resolve) => dynamoServer.close(() => resolve()));
      fs.rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}

/** The environment a Lambda reads at module scope, pointing its AWS clients at these servers. */
export async function lambdaEnvironment(servers: AwsTestServers, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    TABLE_NAME: await servers.newTable(),
    CONTENT_BUCKET: await servers.newBucket(),
    SITE_BUCKET: await servers.newBucket(),
    SITE_URL: 'https://statements.example.org',
    MAIL_FROM: 'statements@example.org',
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: servers.endpoints.dynamo,
    AWS_ENDPOINT_URL_S3: servers.endpoints.s3,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    ...extra,
  };
}
