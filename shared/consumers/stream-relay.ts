// The AWS outbox relay: DynamoDB stream records of newly inserted statement items become events on SNS.

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { StatementEvent } from '../domain/events.js';
import type { EventPublisher, StatementRepository } from '../ports.js';

function imageOf(image: unknown): Record<string, unknown> | undefined {
  return image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
}

/**
 * The event a stream record carries: a statement item inserted (published) or modified with a new event
 * (signed). Other records, and modifications that leave the event as it was (marking it relayed), carry none.
 */
export function eventOfStreamRecord(record: DynamoDBRecord): StatementEvent | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const item = imageOf(record.dynamodb?.NewImage);
  if (item?.sk !== 'STMT' || item.event === undefined) return undefined;
  const event = StatementEvent.parse(item.event);
  if (record.eventName === 'MODIFY') {
    const before = imageOf(record.dynamodb?.OldImage)?.event as StatementEvent | undefined;
    if (before && before.version === event.version && before.type === event.type) return undefined;
  }
  return event;
}

/**
 * Publishes each committed statement's event, then records on the statement that it was relayed, so that
 * `republish --unrelayed` can find what an outage left behind. A failure fails the batch (retried, bisected).
 */
export async function relayStreamRecords(
  records: DynamoDBRecord[],
  publisher: EventPublisher,
  statements: Pick<StatementRepository, 'markRelayed'>,
  now: () => Date = () => new Date(),
): Promise<number> {
  let published = 0;
  for (const r of records) {
    const event = eventOfStreamRecord(r);
    if (!event) continue;
    await publisher.publish(event);
    await statements.markRelayed(event.statementId, event.version, now().toISOString());
    published++;
  }
  return published;
}
