// Statements on DynamoDB. The statement item carries its event: the table's stream is the outbox, relayed
// to SNS (functions/stream-relay). Party and storing-order links are written before the statement item,
// the commit point, and listings show only what the statement item confirms.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StatementEvent } from '../../domain/events.js';
import { expiresAfterDays, IDEMPOTENCY_KEY_DAYS } from '../../domain/retention.js';
import { awaitsSignatureOf, listingKey, type StatementSummary, signatories } from '../../domain/statement.js';
import type { IdempotencyRecord, Page, StatementRecord, StatementRepository } from '../../ports.js';
import { decodeCursor, encodeCursor } from '../cursor.js';

import { enterListings } from './dynamo-listings.js';
import { GSI, getData, type Item, isConditionFailure, queryGsi, type TableRef } from './dynamo-table.js';

export class DynamoStatementRepository implements StatementRepository {
  constructor(private readonly t: TableRef) {}

  async reserveIdempotencyKey(r: IdempotencyRecord) {
    const key = { pk: `IDEMP#${r.party}#${r.key}`, sk: 'IDEMP' };
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { ...key, data: r, expiresAt: expiresAfterDays(IDEMPOTENCY_KEY_DAYS) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return r;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return (await getData<IdempotencyRecord>(this.t, key.pk, key.sk)) as IdempotencyRecord;
    }
  }

  /** Each its own conditional put (DynamoDB has no multi-item commit here); a few at a time. */
  async createMany(entries: Array<{ summary: StatementSummary; event: StatementEvent }>) {
    const results: boolean[] = new Array(entries.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < entries.length; i = next++) {
        const e = entries[i] as { summary: StatementSummary; event: StatementEvent };
        results[i] = await this.create(e.summary, e.event);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return results;
  }

  /**
   * The items that list a statement (one per signing party, plus one in the order of storing), written
   * before the statement item: idempotent, and shown only once the statement item says so.
   */
  private async writeLinks(summary: StatementSummary, storedOrder: boolean): Promise<void> {
    const link = (sk: string, gsi1pk: string, gsi1sk: string) => ({
      PutRequest: { Item: { pk: `STMT#${summary.id}`, sk, gsi1pk, gsi1sk, statementId: summary.id } },
    });
    const links = signatories(summary).map((party) => link(`PARTY#${party}`, `PARTY#${party}`, listingKey(summary)));
    // Each party invited to sign, for its list of invitations (a link stays once it signed; the list skips it).
    for (const party of summary.invited ?? []) links.push(link(`INVITED#${party}`, `INVITED#${party}`, listingKey(summary)));
    if (storedOrder) links.push(link('CREATED', 'CREATED', `${summary.createdAt}#${summary.id}`));
    for (let i = 0; i < links.length; i += 25) await this.batchWrite(links.slice(i, i + 25));
    await enterListings(this.t, summary);
  }

  async create(summary: StatementSummary, event: StatementEvent) {
    const sortKey = listingKey(summary);
    // The conditional put of the statement item is the commit point; listings only show links whose
    // statement item exists.
    await this.writeLinks(summary, true);
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { pk: `STMT#${summary.id}`, sk: 'STMT', gsi1pk: 'FEED', gsi1sk: sortKey, data: summary, event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async update(summary: StatementSummary, expectedVersion: number, event: StatementEvent) {
    // Links of newly signed parties first; listings check that the party signed the version they read, so
    // a link whose update then lost stays hidden.
    await this.writeLinks(summary, false);
    try {
      // The stream carries the MODIFY with the new event to the relay; relayedAt goes until it is relayed.
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: { pk: `STMT#${summary.id}`, sk: 'STMT' },
          UpdateExpression: 'SET #d = :data, #e = :event REMOVE relayedAt',
          ConditionExpression: 'attribute_exists(pk) AND #d.version = :expected',
          ExpressionAttributeNames: { '#d': 'data', '#e': 'event' },
          ExpressionAttributeValues: { ':data': summary, ':event': event, ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  private async batchWrite(requests: Array<{ PutRequest: { Item: Item } }>) {
    let pending: typeof requests | undefined = requests;
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed items');
      if (attempt) await sleep(2 ** attempt * 25);
      const r = await this.t.client.send(new BatchWriteCommand({ RequestItems: { [this.t.tableName]: pending } }));
      pending = r.UnprocessedItems?.[this.t.tableName] as typeof requests | undefined;
    }
  }

  get(id: string) {
    return getData<StatementSummary>(this.t, `STMT#${id}`, 'STMT');
  }

  /** Numbers a stored statement in its listings if it is not yet (one stored before listings existed). */
  enterListings(summary: StatementSummary) {
    return enterListings(this.t, summary);
  }

  async list(q: { party?: string; limit: number; cursor?: string }): Promise<Page<StatementSummary>> {
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await queryGsi(this.t, q.party ? `PARTY#${q.party}` : 'FEED', {
      limit: q.limit + 1,
      newestFirst: true,
      ...(before ? { before } : {}),
    });
    const page = rows.slice(0, q.limit);
    const summaries = q.party
      ? (await this.committedSummaries(page.map((r) => r.statementId as string))).filter((s) => signatories(s).includes(q.party as string))
      : page.map((r) => r.data as StatementSummary);
    const last = page.at(-1);
    return {
      items: summaries,
      ...(rows.length > q.limit && last ? { nextCursor: encodeCursor(last.gsi1sk as string) } : {}),
    };
  }

  async listInvitations(party: string, q: { limit: number; cursor?: string }): Promise<Page<StatementSummary>> {
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await queryGsi(this.t, `INVITED#${party}`, { limit: q.limit + 1, newestFirst: true, ...(before ? { before } : {}) });
    const page = rows.slice(0, q.limit);
    const summaries = await this.committedSummaries(page.map((r) => r.statementId as string));
    const last = page.at(-1);
    return {
      items: summaries.filter((s) => awaitsSignatureOf(s, party)),
      ...(rows.length > q.limit && last ? { nextCursor: encodeCursor(last.gsi1sk as string) } : {}),
    };
  }

  async listStoredSince(q: { since: string; limit: number; cursor?: string }): Promise<Page<StatementRecord>> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const r = await this.t.client.send(
      new QueryCommand({
        TableName: this.t.tableName,
        IndexName: GSI,
        KeyConditionExpression: after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': 'CREATED', ...(after ? { ':after': after } : { ':since': q.since }) },
        Limit: q.limit,
      }),
    );
    const rows = r.Items ?? [];
    const items = await this.committedItems(rows.map((row) => row.statementId as string));
    const last = rows.at(-1);
    return {
      items: items.map((i) => ({
        summary: i.data as StatementSummary,
        event: i.event as StatementEvent,
        ...(typeof i.relayedAt === 'string' ? { relayedAt: i.relayedAt } : {}),
      })),
      ...(r.LastEvaluatedKey && last ? { nextCursor: encodeCursor(last.gsi1sk as string) } : {}),
    };
  }

  async markRelayed(id: string, version: number, at: string) {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: { pk: `STMT#${id}`, sk: 'STMT' },
          UpdateExpression: 'SET relayedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(relayedAt) AND #e.version = :version',
          ExpressionAttributeNames: { '#e': 'event' },
          ExpressionAttributeValues: { ':at': at, ':version': version },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /** The committed statements among these ids, in the given order. */
  async committedSummaries(ids: string[]): Promise<StatementSummary[]> {
    return (await this.committedItems(ids)).map((i) => i.data as StatementSummary);
  }

  /** The committed statement items among these ids, in the given order. */
  private async committedItems(ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    const found = new Map<string, Item>();
    // BatchGetItem takes at most 100 keys a call.
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Array<Record<string, unknown>> | undefined = ids.slice(i, i + 100).map((id) => ({ pk: `STMT#${id}`, sk: 'STMT' }));
      while (keys?.length) {
        const r: BatchGetCommandOutput = await this.t.client.send(
          new BatchGetCommand({ RequestItems: { [this.t.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of r.Responses?.[this.t.tableName] ?? []) found.set((item.data as StatementSummary).id, item);
        keys = r.UnprocessedKeys?.[this.t.tableName]?.Keys;
      }
    }
    return ids.flatMap((id): Item[] => {
      const item = found.get(id);
      return item ? [item] : [];
    });
  }
}
