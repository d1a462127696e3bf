// Wraps a consumer as an SQS batch handler (Powertools): SNS-in-SQS envelopes parsed by schema,
// failed records reported back so that only they are retried.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SnsSqsEnvelope } from '@aws-lambda-powertools/parser/envelopes';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventHandler } from '../consumers/handlers.js';
import { StatementEvent } from '../domain/events.js';

const StatementEventMessage = JSONStringified(StatementEvent);

export function eventOfRecord(record: SQSRecord): StatementEvent {
  const [event] = SnsSqsEnvelope.parse({ Records: [record] }, StatementEventMessage);
  if (!event) throw new Error(`SQS record ${record.messageId} holds no event`);
  return event;
}

export function sqsConsumer(handle: EventHandler) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    await handle(eventOfRecord(record));
  };
  return (event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context });
}
