// The table port on DynamoDB: parties, and press keys (dynamo-press-keys.ts); statements and email have files of their own.
import type { Party } from '../../domain/party.js';
import type { PartyRepository } from '../../ports.js';
import { DynamoCollection, type TableRef } from './dynamo-table.js';

export { DynamoPressKeyRepository } from './dynamo-press-keys.js';
export type { TableRef } from './dynamo-table.js';

export class DynamoPartyRepository extends DynamoCollection<Party> implements PartyRepository {
  constructor(t: TableRef) {
    super(t, 'PARTY', 'PARTIES');
  }
}
