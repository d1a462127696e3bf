// The rate limiter on DynamoDB: one item per key and fixed window, counted by an atomic ADD, expired by TTL.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, type RateLimiter, systemClock } from '../../ports.js';
import type { TableRef } from './dynamo-table.js';

/** TTL deletes items up to days late; the window's start in the key makes a late item harmless. */
const EXPIRY_GRACE_SECONDS = 60;

export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly t: TableRef,
    private readonly clock: Clock = systemClock,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number) {
    const nowSeconds = this.clock.now().getTime() / 1000;
    const start = Math.floor(nowSeconds / windowSeconds) * windowSeconds;
    const end = start + windowSeconds;
    const r = await this.t.client.send(
      new UpdateCommand({
        TableName: this.t.tableName,
        Key: { pk: `RATE#${key}#${start}`, sk: 'RATE' },
        UpdateExpression: 'ADD hits :one SET expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': end + EXPIRY_GRACE_SECONDS },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const allowed = Number(r.Attributes?.hits) <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(end - nowSeconds)) };
  }
}
