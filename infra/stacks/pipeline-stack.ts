// Pipeline: the outbox relay (table stream -> SNS) and the three consumers, each on its own queue.
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bucketName, type ResolvedConfig } from '../config.js';
import { AppFunction } from '../constructs/app-function.js';
import { EncryptedTopic } from '../constructs/encrypted-topic.js';
import { QueueConsumer } from '../constructs/queue-consumer.js';
import type { DataStack } from './data-stack.js';
import type { EmailStack } from './email-stack.js';
import { grantList, grantObjects, grantTable, logRetention, SITE_OBJECTS, STATEMENT_OBJECTS, TABLE_READ } from './grants.js';
import type { SiteStack } from './site-stack.js';

export interface PipelineStackProps extends StackProps {
  config: ResolvedConfig;
  data: DataStack;
  site: SiteStack;
  email: EmailStack;
}

export class PipelineStack extends Stack {
  readonly topic: Topic;
  readonly relay: AppFunction;
  readonly relayDeadLetters: Queue;
  readonly consumers: QueueConsumer[];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, data, site, email } = props;
    const retention = logRetention(config.logRetentionDays);

    const events = new EncryptedTopic(this, 'StatementEvents', { topicName: `${config.prefix}-statement-events` });
    this.topic = events.topic;

    // The outbox relay: only committed statement items (INSERT of sk = STMT) reach the function.
    this.relayDeadLetters = new Queue(this, 'RelayDeadLetters', {
      queueName: `${config.prefix}-stream-relay-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.relay = new AppFunction(this, 'StreamRelay', {
      name: 'stream-relay',
      prefix: config.prefix,
      logRetention: retention,
      environment: { TOPIC_ARN: this.topic.topicArn },
    });
    // Written out: grantPublish would add kms:GenerateDataKey* (a wildcard).
    this.relay.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    this.relay.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [events.key.keyArn] }),
    );
    Validations.of(this.relayDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This is the relay's dead-letter destination (the stream mapping's on-failure target), not a work queue.",
    });
    this.relay.fn.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.relayDeadLetters),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { sk: { S: FilterRule.isEqual('STMT') } } },
          }),
        ],
      }),
    );

    const common = {
      TABLE_NAME: data.table.tableName,
      CONTENT_BUCKET: bucketName(config, 'content'),
      SITE_BUCKET: bucketName(config, 'site'),
      SITE_URL: site.siteUrl,
      MAIL_FROM: config.mailFrom,
    };
    const consumer = (name: string, extra: Record<string, string> = {}, reservedConcurrency?: number) =>
      new QueueConsumer(this, name, {
        name,
        prefix: config.prefix,
        topic: this.topic,
        environment: { ...common, ...extra },
        logRetention: retention,
        ...(reservedConcurrency ? { reservedConcurrency } : {}),
      });

    const render = consumer('render-pages', { DISTRIBUTION_ID: site.distribution.distributionId });
    // One writer for the index shards: their read-modify-write is not safe under concurrency.
    const index = consumer('index-search', {}, 1);
    const send = consumer('send-emails', { SES_CONFIGURATION_SET: email.configurationSet.configurationSetName });
    this.consumers = [render, index, send];

    for (const c of this.consumers) {
      grantTable(c.function.role, data.table, TABLE_READ);
      grantObjects(c.function.role, config, 'content', 'statements/', ['s3:GetObject'], STATEMENT_OBJECTS);
    }
    for (const c of [render, index]) {
      grantObjects(c.function.role, config, 'site', '', ['s3:GetObject', 's3:PutObject'], SITE_OBJECTS);
      // A missing object answers 404 (not 403) only with ListBucket.
      grantList(c.function.role, config, 'site', '');
    }
    render.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation'],
        resources: [`arn:${this.partition}:cloudfront::${this.account}:distribution/${site.distribution.distributionId}`],
      }),
    );
    grantTable(send.function.role, data.table, ['dynamodb:PutItem', 'dynamodb:DeleteItem']);
    send.function.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [email.identityArn, email.configurationSetArn],
      }),
    );
  }
}
