import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export interface TableRef {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export const GSI = 'gsi1';
export type Item = Record<string, unknown>;

export function isConditionFailure(e: unknown): boolean {
  return (e as Error)?.name === 'ConditionalCheckFailedException';
}

/** One attribute of an item (`data` unless named), read consistently. */
export async function getData<T>(t: TableRef, pk: string, sk: string, attribute = 'data'): Promise<T | undefined> {
  const r = await t.client.send(new GetCommand({ TableName: t.tableName, Key: { pk, sk }, ConsistentRead: true }));
  return r.Item?.[attribute] as T | undefined;
}

/** Every item a query finds, page after page (1 MB each), or the first `max` of them. */
export async function queryItems(
  t: TableRef,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  max?: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await t.client.send(
      new QueryCommand({ ...input, TableName: t.tableName, ExclusiveStartKey: start, ...(max ? { Limit: max - items.length } : {}) }),
    );
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start && (!max || items.length < max));
  return items;
}

export function queryGsi(
  t: TableRef,
  gsi1pk: string,
  opts: { before?: string; limit?: number; newestFirst?: boolean } = {},
): Promise<Item[]> {
  return queryItems(
    t,
    {
      IndexName: GSI,
      KeyConditionExpression: opts.before ? 'gsi1pk = :pk AND gsi1sk < :before' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk, ...(opts.before ? { ':before': opts.before } : {}) },
      ScanIndexForward: !opts.newestFirst,
    },
    opts.limit,
  );
}

/** Items kept whole under `data`, one per id, listed through the index in id order. */
export class DynamoCollection<T extends { id: string }> {
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
