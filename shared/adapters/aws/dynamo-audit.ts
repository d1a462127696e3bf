// The audit log on DynamoDB: a partition per party (AUDIT#<party>), sorted by time, expired by the table's TTL.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_LOG_DAYS, type AuditEntry } from '../../domain/audit.js';
import { randomToken } from '../../domain/ids.js';
import { expiresAfterDays } from '../../domain/retention.js';
import type { AuditLog, Page } from '../../ports.js';
import { decodeCursor, encodeCursor, pageOf } from '../cursor.js';
import { queryItems, type TableRef } from './dynamo-table.js';

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly t: TableRef) {}

  async record(entry: AuditEntry) {
    await this.t.client.send(
      new PutCommand({
        TableName: this.t.tableName,
        // The random part keeps two entries of the same millisecond apart.
        Item: {
          pk: `AUDIT#${entry.party}`,
          sk: `${entry.at}#${randomToken(8)}`,
          data: entry,
          expiresAt: expiresAfterDays(AUDIT_LOG_DAYS, Date.parse(entry.at)),
        },
      }),
    );
  }

  async list(party: string, page: { limit: number; cursor?: string }): Promise<Page<AuditEntry>> {
    const before = page.cursor ? decodeCursor(page.cursor) : '\uffff';
    const items = await queryItems(
      this.t,
      {
        KeyConditionExpression: 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: { ':pk': `AUDIT#${party}`, ':before': before },
        ScanIndexForward: false,
      },
      page.limit + 1,
    );
    return pageOf(
      items,
      page.limit,
      (last) => encodeCursor(last.sk as string),
      (i) => i.data as AuditEntry,
    );
  }
}
