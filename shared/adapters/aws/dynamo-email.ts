// Email on DynamoDB: subscribers filed under bucket items, the send ledger's leases, mailings and daily counts.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../../concurrency/in-parallel.js';
import { sha256Hex } from '../../domain/ids.js';
import type { Mailing } from '../../domain/mailing.js';
import { expiresAfterDays, SEND_LEDGER_DAYS } from '../../domain/retention.js';
import { normaliseSubscriber, type Subscriber, subscriberBuckets } from '../../domain/subscriber.js';
import { AddressTakenError, StaleWriteError } from '../../errors.js';
import type { EmailCounts, EmailStats, MailingRepository, Page, SendClaim, SendLedger, SubscriberRepository } from '../../ports.js';
import { decodeIdCursor, encodeIdCursor } from '../cursor.js';
import { GSI, getData, type Item, isConditionFailure, type TableRef } from './dynamo-table.js';

const SUBSCRIBERS = 'SUBSCRIBERS';
const subscriberKey = (id: string) => ({ pk: `SUB#${id}`, sk: 'SUB' });
const bucketKey = (bucket: string, id: string) => ({ pk: `SUBIDX#${bucket}`, sk: id });

/** One page of a query over keys greater than the cursor's id; the next cursor when the query stopped early. */
async function pageAfter(
  t: TableRef,
  query: { index?: string; pk: [string, string]; sk: string; cursor?: string; limit: number },
): Promise<Page<Item>> {
  const r = await t.client.send(
    new QueryCommand({
      TableName: t.tableName,
      ...(query.index ? { IndexName: query.index } : {}),
      KeyConditionExpression: `#pk = :pk AND #sk > :after`,
      ExpressionAttributeNames: { '#pk': query.pk[0], '#sk': query.sk },
      ExpressionAttributeValues: { ':pk': query.pk[1], ':after': query.cursor ? decodeIdCursor(query.cursor) : ' ' },
      Limit: query.limit,
      ...(query.index ? {} : { ConsistentRead: true }),
    }),
  );
  const items = r.Items ?? [];
  const last = items.at(-1);
  return { items, ...(r.LastEvaluatedKey && last ? { nextCursor: encodeIdCursor(String(last[query.sk])) } : {}) };
}

/**
 * Subscribers (SUB#<id>), one claim item per address (SUBEMAIL#<sha256 of the address>) naming the id that
 * holds it, and one item per bucket the subscriber is filed under (SUBIDX#<bucket>, sorted by id, holding a
 * copy of the subscriber) so that a mailing reads its recipients by query, page by page. The claim is a
 * conditional put written before the subscriber item, so of two adds of one address racing each other only
 * one creates a subscriber: the other gets AddressTakenError. A claim whose subscriber item was never
 * written (its writer died) may be taken over after a minute.
 */
export class DynamoSubscriberRepository implements SubscriberRepository {
  constructor(private readonly t: TableRef) {}

  async put(input: Subscriber) {
    const expected = input.revision ?? 0;
    const s = { ...input, revision: expected + 1 };
    const before = await this.get(s.id);
    if ((before?.revision ?? 0) !== expected)
      throw new StaleWriteError(`subscriber ${s.id} changed since it was read (revision ${expected})`);
    await this.claim(s);
    // Bucket items first, then the item, then the buckets it left: a failure anywhere leaves at worst a
    // bucket item too many (a sender reads the item again before mailing), never a subscriber missing from
    // a bucket it should be in.
    const now = subscriberBuckets(s);
    const gone = (before ? subscriberBuckets(before) : []).filter((b) => !now.includes(b));
    await inParallel(now, 8, async (b) => {
      await this.t.client.send(new PutCommand({ TableName: this.t.tableName, Item: { ...bucketKey(b, s.id), data: s } }));
    });
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { ...subscriberKey(s.id), gsi1pk: SUBSCRIBERS, gsi1sk: s.id, data: s },
          // The revision read: a record stored by a version without revisions counts as 0.
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk) OR attribute_not_exists(#d.#r) OR #d.#r = :r' : '#d.#r = :r',
          ExpressionAttributeNames: { '#d': 'data', '#r': 'revision' },
          ExpressionAttributeValues: { ':r': expected },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      throw new StaleWriteError(`subscriber ${s.id} changed since it was read (revision ${expected})`);
    }
    await inParallel(gone, 8, async (b) => {
      await this.t.client.send(new DeleteCommand({ TableName: this.t.tableName, Key: bucketKey(b, s.id) }));
    });
    if (before && before.email !== s.email) await this.dropClaim(before.email, s.id);
  }
  async putMany(subscribers: Subscriber[]) {
    await inParallel(subscribers, 8, (s) => this.put(s));
  }
  async get(id: string) {
    const data = await getData<Subscriber>(this.t, `SUB#${id}`, 'SUB');
    return data ? normaliseSubscriber(data) : undefined;
  }
  async getMany(ids: string[]) {
    const found: Subscriber[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Array<Record<string, unknown>> | undefined = [...new Set(ids.slice(i, i + 100))].map(subscriberKey);
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt === 8) throw new Error(`DynamoDB left ${keys.length} subscriber reads unprocessed after 8 attempts`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** attempt)));
        const r: BatchGetCommandOutput = await this.t.client.send(
          new BatchGetCommand({ RequestItems: { [this.t.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of r.Responses?.[this.t.tableName] ?? []) found.push(normaliseSubscriber(item.data as Subscriber));
        keys = r.UnprocessedKeys?.[this.t.tableName]?.Keys;
      }
    }
    return found;
  }
  async findByEmail(email: string) {
    const address = email.toLowerCase();
    // Subscribers added before claims existed have the id that was derived from the address then.
    const id = (await this.claimOf(address))?.id ?? sha256Hex(`subscriber:${address}`).slice(0, 20);
    const found = await this.get(id);
    return found?.email === address ? found : undefined;
  }
  async inBucket(bucket: string, q: { limit: number; cursor?: string }) {
    const page = await pageAfter(this.t, {
      pk: ['pk', `SUBIDX#${bucket}`],
      sk: 'sk',
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { ...page, items: page.items.map((i) => normaliseSubscriber(i.data as Subscriber)) };
  }
  async list(q: { limit: number; cursor?: string }) {
    const page = await pageAfter(this.t, {
      index: GSI,
      pk: ['gsi1pk', SUBSCRIBERS],
      sk: 'gsi1sk',
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { ...page, items: page.items.map((i) => normaliseSubscriber(i.data as Subscriber)) };
  }
  async remove(id: string) {
    const s = await this.get(id);
    if (!s) return false;
    await inParallel(subscriberBuckets(s), 8, async (b) => {
      await this.t.client.send(new DeleteCommand({ TableName: this.t.tableName, Key: bucketKey(b, id) }));
    });
    await this.t.client.send(new DeleteCommand({ TableName: this.t.tableName, Key: subscriberKey(id) }));
    await this.dropClaim(s.email, id);
    return true;
  }

  private claimKey(address: string) {
    return { pk: `SUBEMAIL#${sha256Hex(address.toLowerCase())}`, sk: 'SUBEMAIL' };
  }
  private async dropClaim(address: string, id: string) {
    try {
      await this.t.client.send(
        new DeleteCommand({
          TableName: this.t.tableName,
          Key: this.claimKey(address),
          ConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'id' },
          ExpressionAttributeValues: { ':id': id },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
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

/** One item per ledger key and subscriber (SENT#<key>#<subscriber>), expiring by TTL after the retry window. */
export class DynamoSendLedger implements SendLedger {
  constructor(
    private readonly t: TableRef,
    private readonly now: () => number = Date.now,
  ) {}
  private key(key: string, subscriberId: string) {
    return { pk: `SENT#${key}#${subscriberId}`, sk: 'SENT' };
  }
  async claim(key: string, subscriberIds: string[], leaseMs: number) {
    const claims = new Map<string, SendClaim>();
    const now = this.now();
    await inParallel(subscriberIds, 10, async (id) => {
      try {
        await this.t.client.send(
          new PutCommand({
            TableName: this.t.tableName,
            Item: {
              ...this.key(key, id),
              status: 'pending',
              leaseUntil: now + leaseMs,
              expiresAt: expiresAfterDays(SEND_LEDGER_DAYS, now),
            },
            // Free, or pending under a lease that ran out (a claim written before leases has none: also taken).
            ConditionExpression: 'attribute_not_exists(pk) OR (#s = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now))',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':now': now },
          }),
        );
        claims.set(id, 'claimed');
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const r = await this.t.client.send(new GetCommand({ TableName: this.t.tableName, Key: this.key(key, id), ConsistentRead: true }));
        claims.set(id, (r.Item?.status as 'pending' | 'sent' | undefined) ?? 'pending');
      }
    });
    return claims;
  }
  async markSent(key: string, subscriberIds: string[]) {
    await inParallel(subscriberIds, 10, async (id) => {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { ...this.key(key, id), status: 'sent', expiresAt: expiresAfterDays(SEND_LEDGER_DAYS, this.now()) },
        }),
      );
    });
  }
  async release(key: string, subscriberIds: string[]) {
    await inParallel(subscriberIds, 10, async (id) => {
      try {
        await this.t.client.send(
          new DeleteCommand({
            TableName: this.t.tableName,
            Key: this.key(key, id),
            ConditionExpression: '#s = :pending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    });
  }
}

const mailingKey = (id: string) => ({ pk: `MAILING#${id}`, sk: 'MAILING' });

export class DynamoMailingRepository implements MailingRepository {
  constructor(private readonly t: TableRef) {}
  async create(m: Mailing) {
    try {
      await this.t.client.send(
        new PutCommand({
          TableName: this.t.tableName,
          Item: { ...mailingKey(m.id), data: m, leaseUntil: 0, expiresAt: expiresAfterDays(SEND_LEDGER_DAYS) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return false;
    }
  }
  get(id: string) {
    return getData<Mailing>(this.t, `MAILING#${id}`, 'MAILING');
  }
  async acquire(id: string, holder: string, until: number) {
    try {
      const r = await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: mailingKey(id),
          UpdateExpression: 'SET leaseHolder = :h, leaseUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseHolder) OR leaseHolder = :h OR leaseUntil <= :now)',
          ExpressionAttributeValues: { ':h': holder, ':until': until, ':now': Date.now() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return r.Attributes?.data as Mailing | undefined;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return undefined;
    }
  }
  async advance(m: Mailing, holder: string, until: number) {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: mailingKey(m.id),
          UpdateExpression: 'SET #d = :m, leaseUntil = :until',
          ConditionExpression: 'leaseHolder = :h',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':m': m, ':until': until, ':h': holder },
        }),
      );
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return false;
    }
  }
  async release(id: string, holder: string) {
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: mailingKey(id),
          UpdateExpression: 'REMOVE leaseHolder SET leaseUntil = :zero',
          ConditionExpression: 'leaseHolder = :h',
          ExpressionAttributeValues: { ':h': holder, ':zero': 0 },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}

/** One item per day under one partition (EMAILSTATS), counted with ADD. */
export class DynamoEmailStats implements EmailStats {
  constructor(private readonly t: TableRef) {}
  async add(day: string, c: Partial<EmailCounts>) {
    await this.t.client.send(
      new UpdateCommand({
        TableName: this.t.tableName,
        Key: { pk: 'EMAILSTATS', sk: day },
        UpdateExpression: 'ADD sent :s, bounces :b, complaints :c',
        ExpressionAttributeValues: { ':s': c.sent ?? 0, ':b': c.bounces ?? 0, ':c': c.complaints ?? 0 },
      }),
    );
  }
  async since(fromDay: string) {
    const r = await this.t.client.send(
      new QueryCommand({
        TableName: this.t.tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': 'EMAILSTATS', ':from': fromDay },
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []).map((i) => ({
      day: String(i.sk),
      sent: Number(i.sent ?? 0),
      bounces: Number(i.bounces ?? 0),
      complaints: Number(i.complaints ?? 0),
    }));
  }
}
