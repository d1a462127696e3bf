// The site's listings on DynamoDB, all read with strongly consistent queries of the base table:
//   pk LISTINGS,          sk {listing}   size: the highest number given out (an atomic counter)
//   pk LIST#{listing},    sk {seq}       statementId: the statement numbered seq
//   pk STMT#{id},         sk IN#{listing} seq: where the statement is, so a retry reuses its number
// Numbers are given before the statement's commit point (its STMT item) and shown once it is committed;
// a write that dies between the two leaves a gap, never a duplicate.
import { PutCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isShownIn, listingsOf } from '../../domain/listings.js';
import type { StatementSummary } from '../../domain/statement.js';
import type { ListingEntry, ListingRepository } from '../../ports.js';
import { getData, type Item, isConditionFailure, queryItems, type TableRef } from './dynamo-table.js';

const seqSk = (seq: number) => String(seq).padStart(10, '0');
const SIZES = 'LISTINGS';

/** Numbers the statement in each of its listings it is not in yet; safe to repeat and to race. */
export async function enterListings(t: TableRef, summary: StatementSummary): Promise<void> {
  await Promise.all(listingsOf(summary).map((listing) => enterListing(t, summary.id, listing)));
}

async function enterListing(t: TableRef, id: string, listing: string): Promise<void> {
  const place = { pk: `STMT#${id}`, sk: `IN#${listing}` };
  let seq = (await getData<number>(t, place.pk, place.sk, 'seq')) ?? undefined;
  if (seq === undefined) {
    const bumped = await t.client.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: SIZES, sk: listing },
        UpdateExpression: 'ADD #size :one',
        ExpressionAttributeNames: { '#size': 'size' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const given = bumped.Attributes?.size as number;
    try {
      await t.client.send(
        new PutCommand({ TableName: t.tableName, Item: { ...place, seq: given }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      seq = given;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // A concurrent write of the same statement numbered it first: its number holds, this one is a gap.
      seq = (await getData<number>(t, place.pk, place.sk, 'seq')) as number;
    }
  }
  // Written again on a retry: a write that died after numbering still lists the statement.
  await t.client.send(new PutCommand({ TableName: t.tableName, Item: { pk: `LIST#${listing}`, sk: seqSk(seq), statementId: id } }));
}

export class DynamoListingRepository implements ListingRepository {
  constructor(
    private readonly t: TableRef,
    /** The committed statement items among these ids, in the given order (dynamo-statements.ts). */
    private readonly committed: (ids: string[]) => Promise<StatementSummary[]>,
  ) {}

  /**
   * Entry items of a listing, with the committed statements they name. Whether the listing shows each is
   * the reader's to decide (isShownIn): a party's number is given before a signature's conditional update,
   * which may lose, and a statement may leave a listing (retracted); either keeps its number, unseen.
   */
  private async entries(items: Item[]): Promise<ListingEntry[]> {
    const summaries = new Map((await this.committed(items.map((i) => i.statementId as string))).map((s) => [s.id, s]));
    return items.flatMap((i) => {
      const summary = summaries.get(i.statementId as string);
      return summary ? [{ seq: Number(i.sk), summary }] : [];
    });
  }

  /** Strongly consistent: a render reads what the writes before its event stored. */
  private query(input: Omit<QueryCommandInput, 'TableName' | 'ConsistentRead'>, max?: number): Promise<Item[]> {
    return queryItems(this.t, { ...input, ConsistentRead: true }, max);
  }

  async range(listing: string, from: number, to: number) {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `LIST#${listing}`, ':from': seqSk(from), ':to': seqSk(to) },
    });
    return this.entries(items);
  }

  async newest(listing: string, limit: number) {
    const size = (await getData<number>(this.t, SIZES, listing, 'size')) ?? 0;
    // Uncommitted entries (a write in flight) are skipped: read a little more than asked.
    const found: ListingEntry[] = [];
    let below = size + 1;
    while (found.length < limit && below > 1) {
      const items = await this.query(
        {
          KeyConditionExpression: 'pk = :pk AND sk < :below',
          ExpressionAttributeValues: { ':pk': `LIST#${listing}`, ':below': seqSk(below) },
          ScanIndexForward: false,
        },
        limit - found.length,
      );
      if (items.length === 0) break;
      found.push(...(await this.entries(items)));
      below = Number(items.at(-1)?.sk);
    }
    return { entries: found, size };
  }

  async placesOf(statementId: string) {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :in)',
      ExpressionAttributeValues: { ':pk': `STMT#${statementId}`, ':in': 'IN#' },
    });
    return new Map(items.map((i) => [(i.sk as string).slice(3), i.seq as number]));
  }

  async neighbours(listing: string, seq: number) {
    const near = async (forward: boolean): Promise<ListingEntry | undefined> => {
      let bound = seqSk(seq);
      for (;;) {
        const items = await this.query(
          {
            KeyConditionExpression: `pk = :pk AND sk ${forward ? '>' : '<'} :bound`,
            ExpressionAttributeValues: { ':pk': `LIST#${listing}`, ':bound': bound },
            ScanIndexForward: forward,
          },
          5,
        );
        if (items.length === 0) return undefined;
        const first = (await this.entries(items)).find((e) => isShownIn(e.summary, listing));
        if (first) return first;
        bound = items.at(-1)?.sk as string;
      }
    };
    const [before, after] = await Promise.all([near(false), near(true)]);
    return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
  }

  async sizes(prefix: string) {
    const items = await this.query(
      prefix
        ? {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': SIZES, ':prefix': prefix },
          }
        : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SIZES } },
    );
    return items.map((i) => ({ listing: i.sk as string, size: i.size as number }));
  }
}
