// Pipeline: the outbox relay (table stream -> SNS), the three consumers, each on its own queue, the
// scheduled compaction of the search index, and the mail: send-emails and the hourly digests plan mailings
// as jobs on the Email stack's queue of send jobs, which email-jobs works through, as it does the API's
// subscribe requests on the Email stack's EmailNotices queue.
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { ScheduleExpression, Schedule as SchedulerSchedule } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bucketName, EMAIL_SENDERS, NOTICE_SENDERS, type ResolvedConfig } from '../config.js';
import { AppFunction } from '../constructs/app-function.js';
import { EncryptedTopic } from '../constructs/encrypted-topic.js';
import { JobQueueConsumer } from '../constructs/job-queue-consumer.js';
import { QueueConsumer } from '../constructs/queue-consumer.js';
import { EMAIL_JOBS_TIMEOUT } from '../email-jobs.js';
import type { DataStack } from './data-stack.js';
import type { EmailStack } from './email-stack.js';
import {
  functionLogs,
  grantList,
  grantObjects,
  grantSendMessages,
  grantTable,
  grantTableOnLeadingKeys,
  LOCK_ACTIONS,
  LOCK_ITEMS,
  PAGE_OBJECTS,
  PAGE_OBJECTS_REASON,
  SEARCH_OBJECTS,
  SEARCH_OBJECTS_REASON,
  STATEMENT_OBJECTS,
  TABLE_READ,
} from './grants.js';
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
  readonly compactor: AppFunction;
  /** The function that works the Email stack's queues: send jobs, and subscribe requests. */
  readonly emailJobs: JobQueueConsumer;
  readonly digests: AppFunction;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, data, site, email } = props;
    const logs = functionLogs(config);

    const events = new EncryptedTopic(this, 'StatementEvents', { description: 'Communiqué: statement events' });
    this.topic = events.topic;

    // The outbox relay: only committed statement items (INSERT of sk = STMT) reach the function.
    this.relayDeadLetters = new Queue(this, 'RelayDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.relay = new AppFunction(this, 'StreamRelay', {
      name: 'stream-relay',
      logs,
      environment: { TOPIC_ARN: this.topic.topicArn, TABLE_NAME: data.table.tableName },
    });
    // It records on each statement item that its event reached the topic (what republish looks for).
    grantTableOnLeadingKeys(this.relay.role, data.table, ['dynamodb:UpdateItem'], ['STMT#*']);
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
          // A statement item inserted (published) or modified with a new event (signed); an update sets
          // relayedAt only once its event is relayed, so the relay's own marking does not come back (exists
          // matches leaf nodes only: the attribute's type, S).
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { NewImage: { sk: { S: FilterRule.isEqual('STMT') }, relayedAt: { S: FilterRule.notExists() } } },
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
    const consumer = (name: string, maxConcurrency?: number, extra: Record<string, string> = {}) =>
      new QueueConsumer(this, name, {
        name,
        topic: this.topic,
        environment: { ...common, ...extra },
        logs,
        ...(maxConcurrency ? { maxConcurrency } : {}),
      });

    // Bounds, not serialisation (shared files are guarded by locks and conditional writes): listing pages
    // and the search index's manifest are contended, so more invocations would mostly wait on each other's leases.
    const render = consumer('render-pages', 10);
    // One index, one lock: its records run one after another (the handler), and two invocations (the least
    // SQS allows) keep the lock busy without a queue of waiters that could outlast the function's timeout.
    const index = consumer('index-search', 2);
    this.emailJobs = this.emailSenders(props, common);
    const jobs = email.jobs;
    // Plans a statement's mailing: it enqueues send jobs and sends nothing itself.
    const send = consumer('send-emails', 5, { EMAIL_JOBS_QUEUE_URL: jobs.queueUrl });
    this.consumers = [render, index, send];

    for (const c of this.consumers) {
      grantTable(c.function.role, data.table, TABLE_READ);
      grantObjects(c.function.role, config, 'content', ['statements/*'], ['s3:GetObject'], STATEMENT_OBJECTS);
    }
    grantObjects(render.function.role, config, 'site', PAGE_OBJECTS, ['s3:GetObject', 's3:PutObject'], PAGE_OBJECTS_REASON);
    grantObjects(
      index.function.role,
      config,
      'site',
      SEARCH_OBJECTS,
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      SEARCH_OBJECTS_REASON,
    );
    for (const c of [render, index]) {
      // A missing object answers 404 (not 403) only with ListBucket.
      grantList(c.function.role, config, 'site', '');
      grantTableOnLeadingKeys(c.function.role, data.table, LOCK_ACTIONS, LOCK_ITEMS);
    }
    // Merging the search index's delta into a new base reads the whole archive: a scheduled function of its
    // own with Lambda's longest timeout, not a consumer (whose records would time out waiting on it).
    this.compactor = new AppFunction(this, 'CompactSearch', {
      name: 'compact-search',
      logs,
      environment: common,
      timeout: Duration.minutes(15),
      // A base of 50,000 statements peaked at 780 MiB in the bench; room for twice that.
      memorySize: 3008,
    });
    grantTable(this.compactor.role, data.table, TABLE_READ);
    grantObjects(this.compactor.role, config, 'content', ['statements/*'], ['s3:GetObject'], STATEMENT_OBJECTS);
    grantObjects(
      this.compactor.role,
      config,
      'site',
      SEARCH_OBJECTS,
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      SEARCH_OBJECTS_REASON,
    );
    grantList(this.compactor.role, config, 'site', '');
    grantTableOnLeadingKeys(this.compactor.role, data.table, LOCK_ACTIONS, LOCK_ITEMS);
    new Rule(this, 'CompactSearchSchedule', {
      description: 'Communiqué: merge the search index delta into a new base when it has grown',
      schedule: Schedule.rate(Duration.minutes(10)),
      targets: [new LambdaFunction(this.compactor.fn, { retryAttempts: 0 })],
    });
    // The next run comes in ten minutes; a failed one is not retried (two at once would only waste work:
    // the later one to switch stands down).
    this.compactor.fn.configureAsyncInvoke({ retryAttempts: 0 });

    grantTableOnLeadingKeys(send.function.role, data.table, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['MAILING#*']);
    grantSendMessages(send.function.role, jobs);

    // Each hour, starts the mailing of every digest period that has ended (once per period) and enqueues its jobs.
    this.digests = new AppFunction(this, 'Digests', {
      name: 'digests',
      logs,
      environment: { ...common, EMAIL_JOBS_QUEUE_URL: jobs.queueUrl },
      timeout: Duration.seconds(60),
    });
    // It reads each period's mailing (TABLE_READ) and enqueues the plan of those not started: the planner,
    // in email-jobs, creates them.
    grantTable(this.digests.role, data.table, TABLE_READ);
    grantSendMessages(this.digests.role, jobs);
    new SchedulerSchedule(this, 'DigestsSchedule', {
      description: 'Communiqué: start the mailing of digest periods that have ended',
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      // Retries of the invocation's delivery only; an hour late it is superseded by the next one (the function
      // starts every ended period, however many were missed).
      target: new LambdaInvoke(this.digests.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
    });
    // LambdaInvoke gives the schedule's role (the CDK's, with confused-deputy conditions) grantInvoke, which adds arn:*.
    const digestsFunction = this.getLogicalId(this.digests.fn.node.defaultChild as CfnFunction);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${digestsFunction}.Arn>:*]`,
      reason:
        "The schedule's role may invoke the digests function only; grantInvoke adds its versions and aliases (arn:*), of which it has none.",
    });

    new CfnOutput(this, 'StatementEventsTopicArn', {
      value: this.topic.topicArn,
      description: 'Where `npm run cli -- --target aws --stage <stage> republish` re-emits statement events.',
    });
  }

  /**
   * email-jobs: sends one job (a slice of a mailing's recipients, or the walk of a mailing's subscribers)
   * at MAIL_RATE_PER_SECOND and re-enqueues what is left of it on EmailJobs; stores a reader's subscription
   * and mails its confirmation from EmailNotices, through an event source of its own so that it never waits
   * behind a mailing. At most EMAIL_SENDERS + NOTICE_SENDERS at once: SES's rate is the account's, shared by them.
   */
  private emailSenders(props: PipelineStackProps, common: Record<string, string>): JobQueueConsumer {
    const { config, data, email } = props;
    const jobs = new JobQueueConsumer(this, 'email-jobs', {
      name: 'email-jobs',
      queue: email.jobs,
      environment: {
        ...common,
        EMAIL_JOBS_QUEUE_URL: email.jobs.queueUrl,
        EMAIL_NOTICES_QUEUE_URL: email.notices.queueUrl,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
        MAIL_RATE_PER_SECOND: String(config.mailRatePerSecond),
      },
      logs: functionLogs(config),
      // The queues, made in the Email stack, hide a received message six times this.
      timeout: EMAIL_JOBS_TIMEOUT,
      batchSize: 5,
      maxConcurrency: EMAIL_SENDERS,
    });
    jobs.addQueue(email.notices, { batchSize: 5, maxConcurrency: NOTICE_SENDERS });
    const role = jobs.function.role;
    // Continuations go back on EmailJobs; EmailNotices it only consumes (a request cut short is retried).
    grantSendMessages(role, email.jobs);
    grantTable(role, data.table, TABLE_READ);
    grantObjects(role, config, 'content', ['statements/*'], ['s3:GetObject'], STATEMENT_OBJECTS);
    // Each family of items gets only what is done to it: the send ledger's entries; mailings, created by the
    // planner's walk and advanced; the daily counts, added to (never put over, never deleted).
    grantTableOnLeadingKeys(role, data.table, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], ['SENT#*']);
    grantTableOnLeadingKeys(role, data.table, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['MAILING#*']);
    grantTableOnLeadingKeys(role, data.table, ['dynamodb:UpdateItem'], ['EMAILSTATS']);
    // A subscribe request saves its subscriber (its item, address claim and bucket entries) and so re-files
    // it: the entries of buckets it has left are deleted. Its address never changes, so it gives up no claim.
    grantTableOnLeadingKeys(role, data.table, ['dynamodb:PutItem'], ['SUB#*', 'SUBEMAIL#*', 'SUBIDX#*']);
    grantTableOnLeadingKeys(role, data.table, ['dynamodb:DeleteItem'], ['SUBIDX#*']);
    email.grantSend(role);
    return jobs;
  }
}
