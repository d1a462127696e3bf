// Lambda entry of the outbox relay: the table's stream, in order per shard; a failure retries the batch
// (bisected on error), so every committed statement's event reaches SNS at least once.
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { relayStreamRecords } from '../../shared/consumers/stream-relay.js';
import { relayDeps } from '../../shared/runtime/aws-relay.js';

const { publisher, statements } = relayDeps();

export const handler = async (event: DynamoDBStreamEvent) => {
  await relayStreamRecords(event.Records, publisher, statements);
};
