// Locks on AWS: a lease item per name in the table (conditional put), renewed by its holder while it works,
// released by it, expired by time when a holder dies (a Lambda timed out mid-batch, and froze). TTL removes
// leases nobody released.
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomToken } from '../../domain/ids.js';
import { LockTimeoutError } from '../../errors.js';
import type { Locks } from '../../ports.js';
import { isConditionFailure, type TableRef } from './dynamo-table.js';

export interface LeaseSettings {
  /** How long a lease lasts if its holder never releases it. */
  leaseMs: number;
  /** How long to wait for a held lock before failing (the queue then retries the record). */
  waitMs: number;
}

export const DEFAULT_LEASE_SETTINGS: LeaseSettings = { leaseMs: 20_000, waitMs: 20_000 };

export class DynamoLocks implements Locks {
  constructor(
    private readonly t: TableRef,
    private readonly settings: LeaseSettings = DEFAULT_LEASE_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {}

  async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const owner = randomToken(12);
    await this.acquire(name, owner);
    // Long work (a batch of index updates) keeps its lease: renewed a few times per lease period.
    const renewal = setInterval(() => void this.renew(name, owner).catch(() => undefined), this.settings.leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await this.release(name, owner);
    }
  }

  /** Moves the lease's end forward, if it is still ours; a lost lease stays lost (writes are conditional). */
  private async renew(name: string, owner: string): Promise<void> {
    const at = this.now();
    try {
      await this.t.client.send(
        new UpdateCommand({
          TableName: this.t.tableName,
          Key: this.key(name),
          UpdateExpression: 'SET leaseUntil = :until, expiresAt = :expires',
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': at + this.settings.leaseMs,
            ':expires': Math.ceil((at + this.settings.leaseMs) / 1000) + 3600,
          },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  private key(name: string) {
    return { pk: `LOCK#${name}`, sk: 'LOCK' };
  }

  private async acquire(name: string, owner: string): Promise<void> {
    const deadline = this.now() + this.settings.waitMs;
    for (let attempt = 0; ; attempt++) {
      const at = this.now();
      try {
        await this.t.client.send(
          new PutCommand({
            TableName: this.t.tableName,
            Item: {
              ...this.key(name),
              owner,
              leaseUntil: at + this.settings.leaseMs,
              expiresAt: Math.ceil((at + this.settings.leaseMs) / 1000) + 3600,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': at },
          }),
        );
        return;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
      if (this.now() >= deadline) throw new LockTimeoutError(`lock "${name}" stayed held for ${this.settings.waitMs} ms`);
      // Jittered, growing waits: waiters do not poll in step.
      await sleep(Math.min(500, 20 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }

  private async release(name: string, owner: string): Promise<void> {
    try {
      await this.t.client.send(
        new DeleteCommand({
          TableName: this.t.tableName,
          Key: this.key(name),
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (e) {
      // Our lease expired and another holder has it now: theirs to release.
      if (!isConditionFailure(e)) throw e;
    }
  }
}
