// The SNS-in-SQS envelope of the consumer Lambdas: a record's message is read only from an SNS
// notification whose message matches the consumer's schema; anything else fails that record.
import { describe, expect, it } from 'vitest';
import { StatementEvent } from '../../shared/domain/events.js';
import { messageParser } from '../../shared/runtime/sqs-consumer.js';
import { snsInSqsEvent } from '../helpers/lambda-events.js';

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
