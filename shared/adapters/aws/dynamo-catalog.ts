// The table port on DynamoDB (one table, one GSI). Only single conditional writes, queries and batch
// operations, so it runs on dynalite too. The statement item carries its event: the table's stream is
// the outbox, relayed to SNS (functions/stream-relay).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StatementEvent } from '../../domain/events.js';
import { sha256Hex } from '../../domain/ids.js';
import type { Party } from '../../domain/party.js';
import type { PressKeyRecord } from '../../domain/press-key.js';
import { expiresAfterDays, IDEMPOTENCY_KEY_DAYS, SEND_LEDGER_DAYS } from '../../domain/retention.js';
import { listingKey, type StatementSummary, signatories } from '../../domain/statement.js';
import type { Subscriber } from '../../domain/subscriber.js';
import { AddressTakenError } from '../../errors.js';
import type {
  IdempotencyRecord,
  Page,
  PartyRepository,
  PressKeyRepository,
  SendClaim,
  SendLedger,
  StatementRecord,
  StatementRepository,
  SubscriberRepository,
} from '../../ports.js';
import { decodeCursor, encodeCursor } from '../cursor.js';

export interface TableRef {
  client: DynamoDBDocumentClient;
  tableName: string;
}

const GSI = 'gsi1';
type Item = Record<string, unknown>;

function isConditionFailure(e: unknown): boolean {
  return (e as Error)?.name === 'ConditionalCheckFailedException';
}

async function getData<T>(t: TableRef, pk: string, sk: string): Promise<T | undefined> {
  const r = await t.client.send(new GetCommand({ TableName: t.tableName, Key: { pk, sk }, ConsistentRead: true }));
  return r.Item?.data as T | undefined;
}

async function queryGsi(
  t: TableRef,
  gsi1pk: string,
  opts: { before?: string; limit?: number; newestFirst?: boolean } = {},
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await t.client.send(
      new QueryCommand({
        TableName: t.tableName,
        IndexName: GSI,
        KeyConditionExpression: opts.before ? 'gsi1pk = :pk AND gsi1sk < :before' : 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk, ...(opts.before ? { ':before': opts.before } : {}) },
        ScanIndexForward: !opts.newestFirst,
        ...(opts.limit ? { Limit: opts.limit - items.length } : {}),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start && (!opts.limit || items.length < opts.limit));
  return items;
}

/** Items kept whole under `data`, one per id, listed through the index in id order. */
class DynamoCollection<T extends { id: string }> {
  constructor(
    protected readonly t: TableRef,
    private readonly kind: string,
    private readonly listKey: string,
  ) {}
  async put(item: T) {
    await this.t.client.send(
      new PutCommand({
        TableName: this.t.tableName,
        Item: { pk: `${this.kind}#${item.id}`, sk: this.kind, gsi1pk: this.listKey, gsi1sk: item.id, data: item },
      }),
    );
  }
  get(id: string) {
    return getData<T>(this.t, `${this.kind}#${id}`, this.kind);
  }
  async list() {
    return (await queryGsi(this.t, this.listKey)).map((i) => i.data as T);
  }
}

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
    if (storedOrder) links.push(link('CREATED', 'CREATED', `${summary.createdAt}#${summary.id}`));
    for (let i = 0; i < links.length; i += 25) await this.batchWrite(links.slice(i, i + 25));
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

  async list(q: { party?: string; limit: number; cursor?: string }): Promise<Page<StatementSummary>> {
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await queryGsi(this.t, q.party ? `PARTY#${q.party}` : 'FEED', {
      limit: q.limit + 1,
      newestFirst: true,
      ...(before ? { before } : {}),
    });
    const page = rows.slice(0, q.limit);
    const summaries = q.party
      ? (await this.mains(page.map((r) => r.statementId as string))).filter((s) => signatories(s).includes(q.party as string))
      : page.map((r) => r.data as StatementSummary);
    const last = page.at(-1);
    return {
      items: summaries,
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
  private async mains(ids: string[]): Promise<StatementSummary[]> {
    return (await this.committedItems(ids)).map((i) => i.data as StatementSummary);
  }

  /** The committed statement items among these ids, in the given order. */
  private async committedItems(ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    const found = new Map<string, Item>();
    let keys: Array<Record<string, unknown>> | undefined = ids.map((id) => ({ pk: `STMT#${id}`, sk: 'STMT' }));
    while (keys?.length) {
      const r: BatchGetCommandOutput = await this.t.client.send(
        new BatchGetCommand({ RequestItems: { [this.t.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of r.Responses?.[this.t.tableName] ?? []) found.set((item.data as StatementSummary).id, item);
      keys = r.UnprocessedKeys?.[this.t.tableName]?.Keys;
    }
    return ids.flatMap((id): Item[] => {
      const item = found.get(id);
      return item ? [item] : [];
    });
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
