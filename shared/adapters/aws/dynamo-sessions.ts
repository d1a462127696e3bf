// Desk sessions on DynamoDB: one item per session, listed under its press key, forgotten by TTL (expiresAt).
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeskSession, DeskSessions } from '../../ports.js';
import { getData, isConditionFailure, queryGsi, type TableRef } from './dynamo-table.js';

const pk = (idHash: string) => `DESKSESSION#${idHash}`;
const SK = 'DESKSESSION';

/** The table's TTL attribute, in epoch seconds: DynamoDB deletes the item some time after the session's end. */
const ttlOf = (s: DeskSession) => Math.ceil(Date.parse(s.expiresAt) / 1000);

export class DynamoDeskSessions implements DeskSessions {
  constructor(private readonly t: TableRef) {}

  async create(s: DeskSession) {
    await this.t.client.send(
      new PutCommand({
        TableName: this.t.tableName,
        Item: {
          pk: pk(s.idHash),
          sk: SK,
          gsi1pk: `DESKKEY#${s.keyId}`,
          gsi1sk: `${s.createdAt}#${s.idHash}`,
          data: s,
          expiresAt: ttlOf(s),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  get(idHash: string) {
    return getData<DeskSession>(this.t, pk(idHash), SK);
  }

  async touch(idHash: string, at: string) {
    await this.update(idHash, 'SET #d.lastSeenAt = :at', at);
  }

  async revoke(idHash: string, at: string) {
    return (await this.update(idHash, 'SET #d.revokedAt = :at', at)) || (await this.get(idHash)) !== undefined;
  }

  async revokeAllForKey(keyId: string, at: string) {
    let revoked = 0;
    // A key has few sessions (one per sign-in, each gone a few hours later): all of them fit a query.
    for (const item of await queryGsi(this.t, `DESKKEY#${keyId}`)) {
      const s = item.data as DeskSession;
      if (s.revokedAt || s.expiresAt <= at) continue;
      if (await this.update(s.idHash, 'SET #d.revokedAt = :at', at)) revoked++;
    }
    return revoked;
  }

  /** Applies the update to a session that exists and is not revoked; false otherwise. */
  private async update(idHash: string, expression: string, at: string): Promise<boolean> {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: { pk: pk(idHash), sk: SK },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#d.revokedAt)',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
