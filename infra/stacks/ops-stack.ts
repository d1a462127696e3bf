// Ops: alarms on every dead-letter queue, every function's errors and the API's 5xx, to one topic.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ResolvedConfig } from '../config.js';
import type { AppFunction } from '../constructs/app-function.js';
import { EncryptedTopic } from '../constructs/encrypted-topic.js';
import type { ApiStack } from './api-stack.js';

export interface OpsStackProps extends StackProps {
  config: ResolvedConfig;
  api: ApiStack;
  functions: AppFunction[];
  /** Each dead-letter queue with the name of what feeds it. */
  deadLetterQueues: Array<{ name: string; queue: Queue }>;
}

export class OpsStack extends Stack {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OpsStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.alarmTopic = new EncryptedTopic(this, 'Alarms', {
      topicName: `${config.prefix}-alarms`,
      publishingServices: ['cloudwatch.amazonaws.com'],
    }).topic;
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (id: string, metric: IMetric, description: string) => {
      const a = new Alarm(this, id, {
        alarmName: `${config.prefix}-${id}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(
        `${name}-dlq-depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        `Events for ${name} are dead-lettered: inspect them, fix the cause, then redrive.`,
      );
    }
    for (const f of props.functions) {
      alarm(
        `${f.name}-errors`,
        f.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${f.fn.functionName} raised errors.`,
      );
    }
    alarm(
      'api-5xx',
      props.api.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The submissions API answered 5xx.',
    );
  }
}
