// The attachment records on DynamoDB: one item per upload (ATT#<id>); a pending one expires by TTL when
// its upload is abandoned, and completing it is a put conditional on its still being pending.
import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AttachmentRecord, AttachmentRepository } from '../../ports.js';
import { getData, isConditionFailure, type TableRef } from './dynamo-table.js';

/** An upload not completed within a day of its form's expiry is abandoned (the content bucket's uploads/ expire then too). */
const PENDING_GRACE_SECONDS = 24 * 3600;

const keyOf = (id: string) => ({ pk: `ATT#${id}`, sk: 'ATT' });

export class DynamoAttachmentRepository implements AttachmentRepository {
  constructor(private readonly t: TableRef) {}

  async create(record: AttachmentRecord): Promise<boolean> {
    const expiresAt = Math.ceil(Date.parse(record.uploadExpiresAt) / 1000) + PENDING_GRACE_SECONDS;
    return this.putIf({ ...keyOf(record.id), data: record, expiresAt }, 'attribute_not_exists(pk)');
  }

  get(id: string): Promise<AttachmentRecord | undefined> {
    const { pk, sk } = keyOf(id);
    return getData<AttachmentRecord>(this.t, pk, sk);
  }

  async complete(record: AttachmentRecord): Promise<boolean> {
    // Without expiresAt: a completed attachment stays.
    return this.putIf({ ...keyOf(record.id), data: { ...record, state: 'completed' } }, '#d.#s = :pending', {
      ExpressionAttributeNames: { '#d': 'data', '#s': 'state' },
      ExpressionAttributeValues: { ':pending': 'pending' },
    });
  }

  private async putIf(
    item: Record<string, unknown>,
    condition: string,
    expression: Pick<PutCommandInput, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> = {},
  ): Promise<boolean> {
    try {
      await this.t.client.send(new PutCommand({ TableName: this.t.tableName, Item: item, ConditionExpression: condition, ...expression }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
