// Wraps a consumer as an SQS batch handler (Powertools): SNS-in-SQS envelopes parsed by schema, records
// handled in parallel, failed records logged with their cause and reported back so only they are retried.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
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

/** The SNS message id inside the record (the same for every queue the event reached), else the SQS one. */
export function correlationIdOf(record: SQSRecord): string {
  try {
    const envelope = JSON.parse(record.body) as { MessageId?: unknown };
    if (typeof envelope.MessageId === 'string') return envelope.MessageId;
  } catch {
    // Not an SNS envelope: the record's own id will do.
  }
  return record.messageId;
}

/** What a failed record's log line carries, so that a dead-letter alarm comes with its cause. */
export function failureDetails(record: SQSRecord, error: unknown): Record<string, unknown> {
  let statementId: string | undefined;
  try {
    const message = JSON.parse((JSON.parse(record.body) as { Message?: string }).Message ?? '') as { statementId?: unknown };
    if (typeof message.statementId === 'string') statementId = message.statementId;
  } catch {
    // A record that is not an event is logged without a statement id.
  }
  return {
    correlationId: correlationIdOf(record),
    messageId: record.messageId,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
    ...(statementId ? { statementId } : {}),
    record: record.body.length > 4_000 ? `${record.body.slice(0, 4_000)}…` : record.body,
    error,
  };
}

export interface ConsumerOptions {
  logger?: Logger;
}

export function sqsConsumer<S extends z.ZodType, R>(
  schema: S,
  handle: (message: z.output<S>) => Promise<R>,
  options: ConsumerOptions = {},
) {
  const processor = new BatchProcessor(EventType.SQS);
  const logger = options.logger ?? new Logger({ serviceName: 'communique' });
  return async (event: SQSEvent, context: Context) => {
    logger.addContext(context);
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          return await handle(messageOfRecord(record, schema));
        } catch (error) {
          // Records run in parallel, so the keys go on this line, not on the shared logger.
          logger.error('record failed; the queue will retry it', failureDetails(record, error));
          throw error;
        }
      },
      processor,
      { context },
    );
  };
}
