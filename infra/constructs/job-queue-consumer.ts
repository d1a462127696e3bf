// JobQueueConsumer: SQS queue (with DLQ) -> Lambda reporting partial batch failures. What QueueConsumer is
// without the SNS subscription: for queues the project's own functions fill (send jobs), created by the
// consumer or, when other stacks send to it too, by a stack deployed before theirs (createWorkQueue); more
// queues may feed the same function (addQueue).
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type CfnQueue, type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction, type FunctionLogs } from './app-function.js';

const DEFAULT_TIMEOUT = Duration.seconds(30);
/** AWS advises a Lambda event source's queue to hide a received message at least six times the function's timeout. */
const VISIBILITY_PER_TIMEOUT = 6;

/**
 * A work queue and its dead-letter queue, made in `scope` as "Queue" and "DeadLetters": received messages stay
 * hidden six times `consumerTimeout`, and one received `maxReceiveCount` times is dead-lettered (kept 14 days).
 */
export function createWorkQueue(
  scope: Construct,
  consumerTimeout: Duration,
  maxReceiveCount = 5,
): { queue: Queue; deadLetterQueue: Queue } {
  const deadLetterQueue = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new Queue(scope, 'Queue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * VISIBILITY_PER_TIMEOUT),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

/** How a queue feeds the consumer. */
export interface QueueFeed {
  /** Default 10. */
  batchSize?: number;
  /**
   * At most this many concurrent invocations pull from the queue (2-1000; default: as many as Lambda
   * scales to). Unlike reserved concurrency it reserves nothing from the account and never throttles a
   * received batch, so no message burns a receive count on a throttle.
   */
  maxConcurrency?: number;
}

export interface JobQueueConsumerProps extends QueueFeed {
  /** Its folder in functions/. */
  name: string;
  environment: Record<string, string>;
  logs: FunctionLogs;
  timeout?: Duration;
  /** Of the queue the consumer creates; a given queue has its own. */
  maxReceiveCount?: number;
  /**
   * A queue made elsewhere (createWorkQueue, in a stack that others send to it from) instead of one of its
   * own: it must have a dead-letter queue and hide messages at least six times `timeout`.
   */
  queue?: Queue;
}

export class JobQueueConsumer extends Construct {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly function: AppFunction;
  /** Its folder in functions/. */
  readonly name: string;
  private readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: JobQueueConsumerProps) {
    super(scope, id);
    this.name = props.name;
    this.timeout = props.timeout ?? DEFAULT_TIMEOUT;
    const queues = props.queue
      ? givenQueue(props.name, props.queue, this.timeout)
      : createWorkQueue(this, this.timeout, props.maxReceiveCount);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.function = new AppFunction(this, 'Consumer', {
      name: props.name,
      environment: props.environment,
      timeout: this.timeout,
      logs: props.logs,
    });
    this.feedFrom(this.queue, props);
  }

  /**
   * Another queue made elsewhere (createWorkQueue) that feeds the same function through an event source of
   * its own (a Lambda may have several), so that its messages never wait behind the first queue's backlog.
   * Checked like `queue`.
   */
  addQueue(queue: Queue, feed: QueueFeed = {}): void {
    givenQueue(this.name, queue, this.timeout);
    this.feedFrom(queue, feed);
  }

  private feedFrom(queue: IQueue, feed: QueueFeed): void {
    this.function.fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: feed.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        ...(feed.maxConcurrency ? { maxConcurrency: feed.maxConcurrency } : {}),
      }),
    );
  }
}

/** A queue made elsewhere, checked at synth: a message that reappears while it is still being worked on is worked twice. */
function givenQueue(name: string, queue: Queue, timeout: Duration): { queue: IQueue; deadLetterQueue: IQueue } {
  // SQS's default visibility when the template sets none.
  const visibility = (queue.node.defaultChild as CfnQueue).visibilityTimeout ?? 30;
  if (visibility < VISIBILITY_PER_TIMEOUT * timeout.toSeconds()) {
    throw new Error(
      `${name}: its queue hides messages ${visibility} s, less than ${VISIBILITY_PER_TIMEOUT} times its timeout (${timeout.toSeconds()} s)`,
    );
  }
  if (!queue.deadLetterQueue) throw new Error(`${name}: its queue has no dead-letter queue`);
  return { queue, deadLetterQueue: queue.deadLetterQueue.queue };
}
