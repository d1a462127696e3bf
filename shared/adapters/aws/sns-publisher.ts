// EventPublisher on SNS: the outbox relay's far side on AWS; SQS queues subscribe one per consumer.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { StatementEvent } from '../../domain/events.js';
import type { EventPublisher } from '../../ports.js';

export class SnsEventPublisher implements EventPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: StatementEvent): Promise<void> {
    const parsed = StatementEvent.parse(event);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(parsed),
        MessageAttributes: { type: { DataType: 'String', StringValue: parsed.type } },
      }),
    );
  }
}
