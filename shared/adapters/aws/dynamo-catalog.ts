import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../domain/ids.js';
import type { Party } from '../../domain/party.js';
import type { PressKeyRecord } from '../../domain/press-key.js';
import { expiresAfterDays, SEND_LEDGER_DAYS } from '../../domain/retention.js';
import type { Subscriber } from '../../domain/subscriber.js';
import { AddressTakenError } from '../../errors.js';
import type { PartyRepository, PressKeyRepository, SendClaim, SendLedger, SubscriberRepository } from '../../ports.js';

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

/**
 * Subscribers, plus one claim item per address (pk SUBEMAIL#<sha256 of the address>) naming the id that
 * holds it. The claim is a conditional put written before the subscriber item, so of two adds of one
 * address racing each other only one creates a subscriber: the other gets AddressTakenError. A claim
 * whose subscriber item was never written (its writer died) may be taken over after a minute.
 */
export class DynamoSubscriberRepository extends DynamoCollection<Subscriber> implements SubscriberRepository {
  constructor(t: TableRef) {
    super(t, 'SUB', 'SUBSCRIBERS');
  }
  override async put(subscriber: Subscriber) {
    await this.claim(subscriber);
    await super.put(subscriber);
  }
  async findByEmail(email: string) {
    const address = email.toLowerCase();
    // Subscribers added before claims existed have the id that was derived from the address then.
    const id = (await this.claimOf(address))?.id ?? sha256Hex(`subscriber:${address}`).slice(0, 20);
    const found = await this.get(id);
    return found?.email === address ? found : undefined;
  }
  private claimKey(address: string) {
    return { pk: `SUBEMAIL#${sha256Hex(address.toLowerCase())}`, sk: 'SUBEMAIL' };
  }
  private async claimOf(address: string) {
    const r = await this.t.client.send(new GetCommand({ TableName: this.t.tableName, Key: this.claimKey(address), ConsistentRead: true }));
    return r.Item as { id: string; claimedAt: number } | undefined;
  }
  private async claim(s: Subscriber, orphan?: string): Promise<void> {
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { ...this.claimKey(s.email), id: s.id, claimedAt: Date.now() },
          ConditionExpression: orphan ? '#id = :held' : 'attribute_not_exists(pk) OR #id = :held',
          ExpressionAttributeNames: { '#id': 'id' },
          ExpressionAttributeValues: { ':held': orphan ?? s.id },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const held = orphan ? undefined : await this.claimOf(s.email);
      if (held && Date.now() - held.claimedAt > 60_000 && !(await this.get(held.id))) return this.claim(s, held.id);
      throw new AddressTakenError(`another subscriber holds the address of ${s.id}`);
    }
  }
}

export class DynamoSendLedger implements SendLedger {
  constructor(private readonly t: TableRef) {}
  private key(statementId: string, version: number, subscriberId: string) {
    return { pk: `SENT#${statementId}#${version}#${subscriberId}`, sk: 'SENT' };
  }
  async claim(statementId: string, version: number, subscriberId: string): Promise<SendClaim> {
    const key = this.key(statementId, version, subscriberId);
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { ...key, status: 'pending', expiresAt: expiresAfterDays(SEND_LEDGER_DAYS) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'claimed';
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const r = await this.t.client.send(new GetCommand({ TableName: this.t.tableName, Key: key, ConsistentRead: true }));
      return (r.Item?.status as 'pending' | 'sent' | undefined) ?? 'pending';
    }
  }
  async markSent(statementId: string, version: number, subscriberId: string) {
    await this.t.client.send(
      new PutCommand({
        TableName: this.t.tableName,
        Item: { ...this.key(statementId, version, subscriberId), status: 'sent', expiresAt: expiresAfterDays(SEND_LEDGER_DAYS) },
      }),
    );
  }
  async release(statementId: string, version: number, subscriberId: string) {
    try {
      await this.t.client.send(
        new DeleteCommand({
          TableName: this.t.tableName,
          Key: this.key(statementId, version, subscriberId),
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}
