// Wraps a consumer as an SQS batch handler (Powertools): SNS-in-SQS envelopes parsed by schema,
// failed records reported back so that only they are retried.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SnsSqsEnvelope } from '@aws-lambda-powertools/parser/envelopes';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { StatementEvent } from '../domain/events.js';

export function messageOfRecord<S extends z.ZodType>(record: SQSRecord, schema: S): z.output<S> {
  const [message] = SnsSqsEnvelope.parse({ Records: [record] }, JSONStringified(schema as never) as never) as Array<z.output<S>>;
  if (message === undefined) throw new Error(`SQS record ${record.messageId} holds no message`);
  return message;
}

export function eventOfRecord(record: SQSRecord): StatementEvent {
  return messageOfRecord(record, StatementEvent);
}

export interface ConsumerOptions<R> {
  /** Runs once per batch with what the successful records returned (e.g. one CDN invalidation). */
  afterBatch?: (results: R[]) => Promise<void>;
}

export function sqsConsumer<S extends z.ZodType, R>(
  schema: S,
  handle: (message: z.output<S>) => Promise<R>,
  options: ConsumerOptions<R> = {},
) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context) => {
    const results: R[] = [];
    const response = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        results.push(await handle(messageOfRecord(record, schema)));
      },
      processor,
      { context },
    );
    await options.afterBatch?.(results);
    return response;
  };
}
