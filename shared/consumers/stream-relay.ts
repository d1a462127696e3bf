// The AWS outbox relay: DynamoDB stream records of newly inserted statement items become events on SNS.

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { StatementEvent } from '../domain/events.js';
import type { EventPublisher } from '../ports.js';

/** The event a stream record carries, or undefined for records that are not a statement's commit. */
export function eventOfStreamRecord(record: DynamoDBRecord): StatementEvent | undefined {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
  if (item.sk !== 'STMT' || item.event === undefined) return undefined;
  return StatementEvent.parse(item.event);
}

export async function relayStreamRecords(records: DynamoDBRecord[], publisher: EventPublisher): Promise<number> {
  let published = 0;
  for (const r of records) {
    const event = eventOfStreamRecord(r);
    if (!event) continue;
    await publisher.publish(event);
    published++;
  }
  return published;
}
