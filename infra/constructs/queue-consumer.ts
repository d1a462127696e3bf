// QueueConsumer: SNS subscription -> SQS queue (with DLQ) -> Lambda reporting partial batch failures.
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction } from './app-function.js';

export interface QueueConsumerProps {
  name: string;
  prefix: string;
  topic: ITopic;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout?: Duration;
  batchSize?: number;
  maxReceiveCount?: number;
  reservedConcurrency?: number;
}

export class QueueConsumer extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: AppFunction;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(30);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `${props.prefix}-${props.name}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `${props.prefix}-${props.name}`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // At least six times the function timeout, as AWS advises for Lambda event sources.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    props.topic.addSubscription(new SqsSubscription(this.queue));
    this.function = new AppFunction(this, 'Consumer', {
      name: props.name,
      prefix: props.prefix,
      environment: props.environment,
      timeout,
      logRetention: props.logRetention,
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
    });
    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
  }
}
