// The table port on DynamoDB: parties and press keys (statements: dynamo-statements.ts; email: dynamo-email.ts).
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Party } from '../../domain/party.js';
import type { PressKeyRecord } from '../../domain/press-key.js';
import type { PartyRepository, PressKeyRepository } from '../../ports.js';

import { DynamoCollection, getData, isConditionFailure, queryGsi, type TableRef } from './dynamo-table.js';

export type { TableRef } from './dynamo-table.js';

export class DynamoPartyRepository extends DynamoCollection<Party> implements PartyRepository {
  constructor(t: TableRef) {
    super(t, 'PARTY', 'PARTIES');
  }
}

export class DynamoPressKeyRepository implements PressKeyRepository {
  constructor(private readonly t: TableRef) {}
  async put(k: PressKeyRecord) {
    await this.t.client.send(
      new PutCommand({
        TableName: this.t.tableName,
        Item: { pk: `KEY#${k.keyId}`, sk: 'KEY', gsi1pk: `PARTYKEYS#${k.party}`, gsi1sk: `${k.createdAt}#${k.keyId}`, data: k },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
  get(keyId: string) {
    return getData<PressKeyRecord>(this.t, `KEY#${keyId}`, 'KEY');
  }
  async revoke(keyId: string, at: string) {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: { pk: `KEY#${keyId}`, sk: 'KEY' },
          UpdateExpression: 'SET #d.revokedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#d.revokedAt)',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return (await this.get(keyId)) !== undefined;
    }
  }
  async listForParty(party: string) {
    return (await queryGsi(this.t, `PARTYKEYS#${party}`)).map((i) => i.data as PressKeyRecord);
  }
}
