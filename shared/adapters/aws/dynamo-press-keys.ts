// Press keys on DynamoDB: an item per key (KEY#<id>), listed per party through the index, and per party the
// set of its live key ids (KEYSOF#<party>), which a conditional update keeps within the limit.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lastUseStaleAt, type PressKeyRecord } from '../../domain/press-key.js';
import type { PressKeyRepository } from '../../ports.js';
import { getData, isConditionFailure, queryGsi, type TableRef } from './dynamo-table.js';

const keyItem = (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' });
/**
 * Counting a party's live keys through the index would read an eventually consistent copy, so two keys
 * issued at once could both see room for one; a condition on this item cannot be raced.
 */
const liveSetItem = (party: string) => ({ pk: `KEYSOF#${party}`, sk: 'LIVE' });

/** Enough rounds to start a party's live set and to free the ids of keys revoked by a process that stopped midway. */
const SLOT_ATTEMPTS = 3;

export class DynamoPressKeyRepository implements PressKeyRepository {
  constructor(private readonly t: TableRef) {}

  put(k: PressKeyRecord) {
    return this.putItem(k, {});
  }

  async putWithinLimit(k: PressKeyRecord, maxLive: number) {
    // The record goes first, so an id in the live set always has a record: freeing stale ids trusts a missing one.
    // Marked as counted, so that starting a party's live set does not take it for a key from before the set.
    await this.putItem(k, { counted: true });
    if (await this.takeSlot(k, maxLive)) return true;
    await this.t.client.send(new DeleteCommand({ TableName: this.t.tableName, Key: keyItem(k.keyId) }));
    return false;
  }

  private async putItem(k: PressKeyRecord, extra: Record<string, unknown>) {
    await this.t.client.send(
      new PutCommand({
        TableName: this.t.tableName,
        Item: { ...keyItem(k.keyId), gsi1pk: `PARTYKEYS#${k.party}`, gsi1sk: `${k.createdAt}#${k.keyId}`, data: k, ...extra },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  get(keyId: string) {
    return getData<PressKeyRecord>(this.t, `KEY#${keyId}`, 'KEY');
  }

  async revoke(keyId: string, at: string) {
    let party: string | undefined;
    try {
      const r = await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: keyItem(keyId),
          UpdateExpression: 'SET #d.revokedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#d.revokedAt)',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      party = (r.Attributes?.data as PressKeyRecord | undefined)?.party;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      party = (await this.get(keyId))?.party;
    }
    if (party === undefined) return false;
    // Also when it was revoked already: a process that stopped between the two writes left its slot taken.
    await this.updateLiveSet(party, 'DELETE live :ids', new Set([keyId]));
    return true;
  }

  async recordUse(keyId: string, at: string) {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: keyItem(keyId),
          UpdateExpression: 'SET #d.lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#d.lastUsedAt) OR #d.lastUsedAt <= :stale)',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':at': at, ':stale': lastUseStaleAt(new Date(at)) },
        }),
      );
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return false;
    }
  }

  async listForParty(party: string) {
    return (await queryGsi(this.t, `PARTYKEYS#${party}`)).map((i) => i.data as PressKeyRecord);
  }

  /** Adds the key to its party's live set while the set holds fewer than `maxLive` ids. */
  private async takeSlot(k: PressKeyRecord, maxLive: number): Promise<boolean> {
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      try {
        await this.t.client.send(
          new UpdateCommand({
            TableName: this.t.tableName,
            Key: liveSetItem(k.party),
            UpdateExpression: 'ADD live :id',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(live) OR size(live) < :max)',
            ExpressionAttributeValues: { ':id': new Set([k.keyId]), ':max': maxLive },
          }),
        );
        return true;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
      const set = await this.t.client.send(
        new GetCommand({ TableName: this.t.tableName, Key: liveSetItem(k.party), ConsistentRead: true }),
      );
      if (!set.Item) await this.startLiveSet(k);
      else if (!(await this.freeStaleSlots(k.party, (set.Item.live as Set<string> | undefined) ?? new Set()))) return false;
    }
    return false;
  }

  /**
   * A party's live set, started with its live keys from before the set (stored unmarked, long ago, so the
   * index shows them). Keys being issued meanwhile are marked `counted`: each adds itself, within the limit.
   */
  private async startLiveSet(k: PressKeyRecord): Promise<void> {
    const items = await queryGsi(this.t, `PARTYKEYS#${k.party}`);
    const live = items.filter((i) => !i.counted && !(i.data as PressKeyRecord).revokedAt).map((i) => (i.data as PressKeyRecord).keyId);
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          // DynamoDB has no empty sets: no attribute means none.
          Item: { ...liveSetItem(k.party), ...(live.length ? { live: new Set(live) } : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /** Removes ids whose key is gone or revoked (left by a stopped process); false when every id is live. */
  private async freeStaleSlots(party: string, ids: Set<string>): Promise<boolean> {
    const records = await Promise.all([...ids].map((id) => this.get(id)));
    const stale = [...ids].filter((_, i) => {
      const r = records[i];
      return !r || r.revokedAt !== undefined || r.party !== party;
    });
    if (stale.length === 0) return false;
    await this.updateLiveSet(party, 'DELETE live :ids', new Set(stale));
    return true;
  }

  /** Changes the live set if the party has one: one it has not yet needs no change. */
  private async updateLiveSet(party: string, expression: string, ids: Set<string>): Promise<void> {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: liveSetItem(party),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':ids': ids },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}
