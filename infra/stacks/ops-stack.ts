// Ops: alarms on every dead-letter queue, the age of every queue's oldest message, the stream relay's
// iterator age, every function's errors and the API's 5xx, to one topic CloudWatch may publish to.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ResolvedConfig } from '../config.js';
import type { AppFunction } from '../constructs/app-function.js';
import { EncryptedTopic } from '../constructs/encrypted-topic.js';
import type { ApiStack } from './api-stack.js';

/** A consumer's work queue and dead-letter queue, by the consumer's name (or the queue's, when a consumer has several). */
export interface WatchedQueues {
  name: string;
  /** The function that works the queue, when `name` is not its name. */
  consumer?: string;
  queue: IQueue;
  deadLetterQueue: IQueue;
  /** How long a message may wait before its age alarms; default OLDEST_MESSAGE_LIMIT. */
  oldestMessageLimit?: Duration;
}

export interface OpsStackProps extends StackProps {
  config: ResolvedConfig;
  api: ApiStack;
  functions: AppFunction[];
  relay: { function: AppFunction; deadLetterQueue: IQueue };
  consumers: WatchedQueues[];
}

/** The stream keeps records 24 h: an iterator this old leaves time to fix the relay before any expire. */
const ITERATOR_AGE_LIMIT = Duration.minutes(10);
const OLDEST_MESSAGE_LIMIT = Duration.minutes(15);

export class OpsStack extends Stack {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OpsStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.alarmTopic = new EncryptedTopic(this, 'Alarms', {
      description: 'Communiqué: alarm notifications',
      publishers: [
        { service: 'cloudwatch.amazonaws.com', sourceArn: `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
      ],
    }).topic;
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (id: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    const maxOver = (minutes: number) => ({ period: Duration.minutes(minutes), statistic: 'Maximum' });

    const relay = props.relay.function;
    alarm(
      'stream-relay-dlq-depth',
      props.relay.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maxOver(1)),
      1,
      'The stream relay gave up on statement events. Its dead-letter queue holds only pointers to stream records, ' +
        'which expire with the stream (24 h): they cannot be redriven. Fix the cause (stream-relay logs), then re-emit ' +
        `the events with \`npm run cli -- --target aws --stage ${config.stage} republish --since <ISO time of the first failure>\` ` +
        '(every consumer is idempotent), then purge the queue.',
    );
    alarm(
      'stream-relay-iterator-age',
      relay.fn.metric('IteratorAge', maxOver(5)),
      ITERATOR_AGE_LIMIT.toMilliseconds(),
      `The stream relay is ${ITERATOR_AGE_LIMIT.toMinutes()}+ minutes behind the table's stream: statements are stored but not ` +
        'yet published. Records older than 24 h expire; if any did, re-emit them with ' +
        `\`npm run cli -- --target aws --stage ${config.stage} republish --since <ISO time>\`.`,
    );
    for (const { name, consumer = name, queue, deadLetterQueue, oldestMessageLimit = OLDEST_MESSAGE_LIMIT } of props.consumers) {
      alarm(
        `${name}-dlq-depth`,
        deadLetterQueue.metricApproximateNumberOfMessagesVisible(maxOver(1)),
        1,
        `Events for ${name} are dead-lettered: read the cause in the logs of ${consumer}, fix it, then redrive with SQS ` +
          '(StartMessageMoveTask, or "Start DLQ redrive" in the console) once the cause is fixed.',
      );
      alarm(
        `${name}-oldest-message`,
        queue.metricApproximateAgeOfOldestMessage(maxOver(5)),
        oldestMessageLimit.toSeconds(),
        `A message has waited ${oldestMessageLimit.toMinutes()}+ minutes in the queue of ${name}: it is failing and retrying, ` +
          `or cannot keep up. Look at the errors and throttles of ${consumer}.`,
      );
    }
    for (const f of props.functions) {
      alarm(`${f.name}-errors`, f.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1, `${f.name} raised errors.`);
    }
    alarm(
      'api-5xx',
      props.api.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      'The submissions API answered 5xx.',
    );
  }
}
