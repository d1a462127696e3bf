// QueueConsumer: SNS subscription -> SQS queue (with DLQ) -> Lambda reporting partial batch failures.
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction, type FunctionLogs } from './app-function.js';

export interface QueueConsumerProps {
  name: string;
  topic: ITopic;
  environment: Record<string, string>;
  logs: FunctionLogs;
  timeout?: Duration;
  batchSize?: number;
  maxReceiveCount?: number;
  /**
   * At most this many concurrent invocations pull from the queue (2-1000; default: as many as Lambda
   * scales to). Unlike reserved concurrency it reserves nothing from the account and never throttles a
   * received batch, so no message burns a receive count on a throttle.
   */
  maxConcurrency?: number;
}

export class QueueConsumer extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: AppFunction;
  /** Its folder in functions/. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    this.name = props.name;
    const timeout = props.timeout ?? Duration.seconds(30);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // At least six times the function timeout, as AWS advises for Lambda event sources.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    props.topic.addSubscription(new SqsSubscription(this.queue));
    this.function = new AppFunction(this, 'Consumer', {
      name: props.name,
      environment: props.environment,
      timeout,
      logs: props.logs,
    });
    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        ...(props.maxConcurrency ? { maxConcurrency: props.maxConcurrency } : {}),
      }),
    );
  }
}
