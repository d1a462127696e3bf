// The SNS-in-SQS envelope of the consumer Lambdas: a record's message is read only from an SNS
// notification whose message matches the consumer's schema; anything else fails that record.
import { describe, expect, it } from 'vitest';
import { StatementEvent } from '../../shared/domain/events.js';
import { messageParser, sqsConsumer } from '../../shared/runtime/sqs-consumer.js';
import { lambdaContext, snsInSqsEvent } from '../helpers/lambda-events.js';

const event = { type: 'statement.published', statementId: 's1', version: 1, party: 'kke', occurredAt: '2026-11-29T00:00:00.000Z' };
const messageOf = messageParser(StatementEvent);
const [record] = snsInSqsEvent([event]).Records;
if (!record) throw new Error('no record');
const notification = JSON.parse(record.body) as Record<string, unknown>;
const withBody = (body: string) => ({ ...record, body });

describe('messageParser', () => {
  it('reads the event inside the SNS notification inside the SQS body', () => {
    expect(messageOf(record)).toEqual(event);
  });

  it('rejects a body that is not JSON', () => {
    expect(() => messageOf(withBody('{not json'))).toThrow('not JSON');
  });

  it('rejects an SNS message that is not a notification', () => {
    expect(() => messageOf(withBody(JSON.stringify({ ...notification, Type: 'SubscriptionConfirmation' })))).toThrow();
  });

  it('rejects a raw message delivered without its envelope', () => {
    expect(() => messageOf(withBody(JSON.stringify(event)))).toThrow();
  });

  it('rejects a message that is not JSON, or not an event', () => {
    expect(() => messageOf(withBody(JSON.stringify({ ...notification, Message: 'statement s1' })))).toThrow('not JSON');
    expect(() => messageOf(withBody(JSON.stringify({ ...notification, Message: '{"type":"something.else"}' })))).toThrow();
  });
});

describe('sqsConsumer with a batch handler', () => {
  const events = ['s1', 's2', 's3'].map((statementId) => ({ ...event, statementId }));
  const quiet = { logger: { addContext() {}, warn() {}, error() {} } as never };

  it('handles the whole batch in one call', async () => {
    const calls: string[][] = [];
    const handler = sqsConsumer(StatementEvent, async () => undefined, {
      ...quiet,
      batch: async (messages) => void calls.push(messages.map((m) => m.statementId)),
    });
    expect(await handler(snsInSqsEvent(events), lambdaContext as never)).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual([['s1', 's2', 's3']]);
  });

  it('handles a failed batch record by record, reporting only the bad record', async () => {
    const seen: string[] = [];
    const handler = sqsConsumer(
      StatementEvent,
      async (m) => {
        if (m.statementId === 's2') throw new Error('bad');
        seen.push(m.statementId);
      },
      { ...quiet, inParallel: false, batch: async () => Promise.reject(new Error('a bad record in the batch')) },
    );
    const batch = snsInSqsEvent(events);
    expect(await handler(batch, lambdaContext as never)).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[1]?.messageId }] });
    expect(seen).toEqual(['s1', 's3']);
  });

  it('returns every record to the queue when too little time is left to go record by record', async () => {
    const seen: string[] = [];
    const handler = sqsConsumer(StatementEvent, async (m) => void seen.push(m.statementId), {
      ...quiet,
      batch: async () => Promise.reject(new Error('failed late')),
    });
    const batch = snsInSqsEvent(events);
    const late = { ...lambdaContext, getRemainingTimeInMillis: () => 500 };
    expect(await handler(batch, late as never)).toEqual({ batchItemFailures: batch.Records.map((r) => ({ itemIdentifier: r.messageId })) });
    expect(seen).toEqual([]);
  });
});
