// QueueConsumer: SNS subscription -> SQS queue (with DLQ) -> Lambda reporting partial batch failures.
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { JobQueueConsumer, type JobQueueConsumerProps } from './job-queue-consumer.js';

export interface QueueConsumerProps extends JobQueueConsumerProps {
  topic: ITopic;
}

/** A JobQueueConsumer whose queue is subscribed to a topic (same construct ids as before the split). */
export class QueueConsumer extends JobQueueConsumer {
  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id, props);
    props.topic.addSubscription(new SqsSubscription(this.queue));
  }
}
