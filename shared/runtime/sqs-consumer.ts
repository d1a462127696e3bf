// Wraps a consumer as an SQS batch handler (Powertools): SNS-in-SQS envelopes parsed by schema, records
// handled in parallel, failed records logged with their cause and reported back so only they are retried.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../domain/schema.js';

/**
 * What SNS puts in an SQS message body (subscriptions without raw delivery). Our own schema, not the
 * Powertools parser's envelope: that package imports all of zod with its locales into every consumer.
 */
const SnsNotification = z.object({
  Type: z.literal('Notification'),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
});

/** JSON text whose value matches the schema; text that is not JSON is an issue like any other. */
function jsonText<S extends z.ZodMiniType>(schema: S) {
  const parsed = z.pipe(
    z.string(),
    z.transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        ctx.issues.push({ code: 'custom', message: 'not JSON', input: text });
        return z.NEVER;
      }
    }),
  );
  return z.pipe(parsed, schema);
}

const Envelope = jsonText(SnsNotification);

/**
 * Reads an SQS record's SNS notification and its message, checked by the schema; throws when either is bad.
 * `sns: false` for a queue the platform writes to itself (the email jobs): the body is the message.
 */
export function messageParser<S extends z.ZodMiniType>(schema: S, sns = true): (record: SQSRecord) => z.output<S> {
  const message = jsonText(schema);
  return (record) => message.parse(sns ? Envelope.parse(record.body).Message : record.body) as z.output<S>;
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

export interface ConsumerOptions<M = unknown> {
  logger?: Logger;
  /**
   * false: a batch's records one after another. For a consumer whose records all wait on one lock (the
   * search index), parallel records would only queue on it, and a batch could outlast the timeout.
   */
  inParallel?: boolean;
  /**
   * Handles the whole batch in one call (pages and index shards that its statements share are built once).
   * When it fails, or a record does not parse, the records are handled one by one as without it, so only
   * a bad record is reported back.
   */
  batch?: (messages: M[]) => Promise<unknown>;
  /** false: the records' bodies are the messages themselves, not SNS notifications. */
  sns?: boolean;
}

/** What a record's handler knows of the invocation: when it must have stopped (epoch ms). */
export interface RecordContext {
  deadline: number;
}

/** Time kept back from the invocation's end: to record what was done and answer before Lambda stops it. */
const DEADLINE_MARGIN_MS = 5_000;

export function sqsConsumer<S extends z.ZodMiniType, R>(
  schema: S,
  handle: (message: z.output<S>, record: RecordContext) => Promise<R>,
  options: ConsumerOptions<z.output<S>> = {},
) {
  const messageOf = messageParser(schema, options.sns ?? true);
  const processor = new BatchProcessor(EventType.SQS);
  const logger = options.logger ?? new Logger({ serviceName: 'communique' });
  return async (event: SQSEvent, context: Context) => {
    logger.addContext(context);
    if (options.batch && event.Records.length > 1) {
      const started = Date.now();
      try {
        await options.batch(event.Records.map(messageOf));
        return { batchItemFailures: [] };
      } catch (error) {
        // Record by record takes about as long again: without the time for it, every record goes back to
        // the queue now (to be batched differently), rather than all of them timing out.
        if (context.getRemainingTimeInMillis() < 2 * (Date.now() - started) + 1_000) {
          logger.error('the batch failed as a whole, with too little time left to retry it record by record', {
            records: event.Records.length,
            error,
          });
          return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
        }
        logger.warn('the batch failed as a whole; handling its records one by one', { records: event.Records.length, error });
      }
    }
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          return await handle(messageOf(record), { deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS });
        } catch (error) {
          // Records may run in parallel, so the keys go on this line, not on the shared logger.
          logger.error('record failed; the queue will retry it', failureDetails(record, error));
          throw error;
        }
      },
      processor,
      { context, ...(options.inParallel === false ? { processInParallel: false } : {}) },
    );
  };
}
