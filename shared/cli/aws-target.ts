// The CLI on a deployed stage: finds the table through the Data stack's outputs, then uses the same
// DynamoDB repositories as the Lambdas.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoAuditLog } from '../adapters/aws/dynamo-audit.js';
import { DynamoPartyRepository, DynamoPressKeyRepository } from '../adapters/aws/dynamo-catalog.js';
import { DynamoEmailStats, DynamoSubscriberRepository } from '../adapters/aws/dynamo-email.js';
import { DynamoStatementRepository } from '../adapters/aws/dynamo-statements.js';
import { S3ObjectStore } from '../adapters/aws/s3-store.js';
import { SnsEventPublisher } from '../adapters/aws/sns-publisher.js';
import { stackName } from '../deployment.js';
import type { EventPublisher } from '../ports.js';
import { systemClock } from '../ports.js';
import { tableRef } from '../runtime/aws.js';
import { fanOutRebuild } from '../services/rebuild-fanout.js';
import { startProgress } from './progress.js';
import { type CliTarget, UsageError } from './targets.js';

export interface AwsCliClients {
  cloudFormation?: CloudFormationClient;
  dynamo?: DynamoDBClient;
  sns?: SNSClient;
  s3?: S3Client;
}

type Outputs = Array<{ OutputKey?: string; OutputValue?: string }>;

async function stackOutputs(cloudFormation: CloudFormationClient, stage: string, part: Parameters<typeof stackName>[1]): Promise<Outputs> {
  const name = stackName(stage, part);
  try {
    const r = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    return r.Stacks?.[0]?.Outputs ?? [];
  } catch (e) {
    throw new UsageError(
      `cannot read stack ${name} (${(e as Error).message}); deploy it with \`npx cdk deploy --all -c stage=${stage}\`, or set AWS_PROFILE/AWS_REGION to where it is`,
    );
  }
}

/** Publishes to the stage's statement-events topic, found on first use (only republish needs it). */
class LazyTopicPublisher implements EventPublisher {
  private target?: Promise<SnsEventPublisher>;
  constructor(private readonly find: () => Promise<SnsEventPublisher>) {}
  async publish(event: Parameters<EventPublisher['publish']>[0]) {
    this.target ??= this.find();
    await (await this.target).publish(event);
  }
}

export async function openAwsTarget(stage: string | undefined, clients: AwsCliClients = {}): Promise<CliTarget> {
  if (!stage || !/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new UsageError('--target aws needs --stage, e.g. --stage dev');
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient({});
  const name = stackName(stage, 'Data');
  const outputs = await stackOutputs(cloudFormation, stage, 'Data');
  const tableName = outputs.find((o) => o.OutputKey === 'TableName')?.OutputValue;
  if (!tableName) throw new UsageError(`stack ${name} has no TableName output; redeploy it with this version`);
  const dynamo = clients.dynamo ?? new DynamoDBClient({});
  const table = tableRef(dynamo, tableName);
  const sns = clients.sns ?? new SNSClient({});
  const publisher = new LazyTopicPublisher(async () => {
    const pipeline = stackName(stage, 'Pipeline');
    const topicArn = (await stackOutputs(cloudFormation, stage, 'Pipeline')).find(
      (o) => o.OutputKey === 'StatementEventsTopicArn',
    )?.OutputValue;
    if (!topicArn) throw new UsageError(`stack ${pipeline} has no StatementEventsTopicArn output; redeploy it with this version`);
    return new SnsEventPublisher(sns, topicArn);
  });
  const onlyLocal = () => {
    throw new UsageError('dlq commands act on the local platform; on AWS, redrive a dead-letter queue with SQS (StartMessageMoveTask)');
  };
  const statements = new DynamoStatementRepository(table);
  const platform = {
    clock: systemClock,
    parties: new DynamoPartyRepository(table),
    keys: new DynamoPressKeyRepository(table),
    audit: new DynamoAuditLog(table),
    subscribers: new DynamoSubscriberRepository(table),
    emailStats: new DynamoEmailStats(table),
    statements,
  };
  const s3 = clients.s3 ?? new S3Client({});
  return {
    platform,
    publisher,
    republishNote: 'published to the statement-events topic; the consumers act on them now',
    statementWriter: async () => {
      const bucket = outputs.find((o) => o.OutputKey === 'ContentBucketName')?.OutputValue;
      if (!bucket) throw new UsageError(`stack ${name} has no ContentBucketName output; redeploy it with this version`);
      // The site's origin decides which images in statements are kept (only the site's own).
      const site = await stackOutputs(cloudFormation, stage, 'Site').catch(() => []);
      const siteUrl = site.find((o) => o.OutputKey === 'SiteUrl')?.OutputValue ?? 'https://localhost';
      return { ...platform, blobs: new S3ObjectStore(s3, bucket), config: { siteUrl, mailFrom: '' } };
    },
    importNote: 'the stage relays them from the table stream to its consumers: pages and search follow; nobody is mailed',
    rebuild: async ({ outDir, out }) => {
      if (outDir) throw new UsageError("--out writes a local copy; on AWS the rebuild renders into the stage's site bucket");
      const progress = startProgress('fanning out', out);
      const report = await fanOutRebuild(statements, publisher, {
        now: () => new Date(),
        onProgress: (r) => progress.update(r.statements),
      });
      progress.stop();
      return `published ${report.statements} rebuild event(s) to the statement-events topic; render-pages and index-search rebuild the site from them now`;
    },
    deadLetters: onlyLocal,
    redrive: onlyLocal,
    close: async () => {
      if (!clients.dynamo) dynamo.destroy();
      if (!clients.cloudFormation) cloudFormation.destroy();
      if (!clients.sns) sns.destroy();
      if (!clients.s3) s3.destroy();
    },
  };
}
