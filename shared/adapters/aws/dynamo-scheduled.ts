// Scheduled statements (embargoes) on DynamoDB: one item each, under its party (pk SCHEDULED#<party>, sk
// <id>), so an office lists its own with a query; the index finds what is due without a scan (gsi1pk
// SCHEDDUE, gsi1sk <publishAt>#<id>; a failed one leaves it). One item: every write is one conditional put or delete.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledStatement } from '../../domain/scheduled.js';
import type { EmbargoTimer, Page, ScheduledStatements } from '../../ports.js';
import { decodeIdCursor, encodeIdCursor, pageOf } from '../cursor.js';
import { GSI, getData, isConditionFailure, queryItems, type TableRef } from './dynamo-table.js';

export const SCHEDULED_ITEMS = 'SCHEDULED#';
const DUE = 'SCHEDDUE';
// Above every character of an id ([0-9a-z-]): `<time>#~` bounds all ids at that time.
const AFTER_ANY_ID = '~';

const key = (party: string, id: string) => ({ pk: `${SCHEDULED_ITEMS}${party}`, sk: id });

export class DynamoScheduledStatements implements ScheduledStatements {
  constructor(private readonly t: TableRef) {}

  private item(r: ScheduledStatement) {
    return { ...key(r.party, r.id), ...(r.state === 'failed' ? {} : { gsi1pk: DUE, gsi1sk: `${r.publishAt}#${r.id}` }), data: r };
  }

  /** A put or delete under a condition: false when the condition did not hold. */
  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  create(r: ScheduledStatement) {
    return this.conditional(() =>
      this.t.client.send(
        new PutCommand({ TableName: this.t.tableName, Item: this.item(r), ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
  }

  get(party: string, id: string) {
    const k = key(party, id);
    return getData<ScheduledStatement>(this.t, k.pk, k.sk);
  }

  replace(r: ScheduledStatement, expectedRevision: number) {
    return this.conditional(() =>
      this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: this.item(r),
          ConditionExpression: '#d.revision = :expected',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      ),
    );
  }

  remove(party: string, id: string, revision: number) {
    return this.conditional(() =>
      this.t.client.send(
        new DeleteCommand({
          TableName: this.t.tableName,
          Key: key(party, id),
          ConditionExpression: '#d.revision = :revision',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':revision': revision },
        }),
      ),
    );
  }

  async listForParty(party: string, page: { limit: number; cursor?: string }): Promise<Page<ScheduledStatement>> {
    const after = page.cursor ? decodeIdCursor(page.cursor) : undefined;
    const items = await queryItems(
      this.t,
      {
        KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key(party, '').pk, ...(after ? { ':after': after } : {}) },
        ConsistentRead: true,
      },
      page.limit + 1,
    );
    return pageOf(
      items.map((i) => i.data as ScheduledStatement),
      page.limit,
      (last) => encodeIdCursor(last.id),
      (record) => record,
    );
  }

  async due(until: string, limit: number) {
    const items = await queryItems(
      this.t,
      {
        IndexName: GSI,
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :until',
        ExpressionAttributeValues: { ':due': DUE, ':until': `${until}#${AFTER_ANY_ID}` },
      },
      limit,
    );
    return items.map((i) => i.data as ScheduledStatement);
  }
}

/**
 * The timer of every function but the API (which sets EventBridge schedules: scheduler-embargo-timer.ts):
 * none of them schedules, and what is due is found in the due index above by the per-minute backstop.
 */
export const backstopOnlyTimer: EmbargoTimer = {
  set: async () => {},
  clear: async () => {},
};
