// The keys and audit contract, on both adapter sets: named keys, their last use written at most once a
// minute, the live-key limit under concurrency, and each office's audit log, newest first and paged.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPressKeyRepository } from '../../shared/adapters/aws/dynamo-catalog.js';
import type { AuditAction, AuditEntry } from '../../shared/domain/audit.js';
import { issuePressKey, type PressKeyRecord } from '../../shared/domain/press-key.js';
import { ValidationError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import type { AuditLog } from '../../shared/ports.js';
import { tableRef } from '../../shared/runtime/aws.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

let n = 0;
/** A key of a party of its own, so that each test counts only its keys. */
function aKey(party: string, name?: string): PressKeyRecord {
  n++;
  return issuePressKey(party, new Date(Date.UTC(2026, 0, 1, 0, 0, n)), name ?? `key ${n}`).record;
}

const anEntry = (party: string, at: string, action: AuditAction = 'statement.submit', extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  party,
  keyId: 'k000000000000001',
  keyName: 'desk laptop',
  via: 'api',
  action,
  ...extra,
});

async function allPages(audit: AuditLog, party: string, limit: number): Promise<AuditEntry[][]> {
  const pages: AuditEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.list(party, { limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

describe.each(adapters.sets)('$name', ({ make }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
  });

  describe('press keys', () => {
    it('keeps a key’s name and lists a party’s keys oldest first, revoked ones too', async () => {
      const first = aKey('keys-list', 'desk laptop');
      const second = aKey('keys-list', 'website CMS');
      await p.keys.putWithinLimit(second, 20);
      await p.keys.putWithinLimit(first, 20);
      await p.keys.revoke(first.keyId, '2026-02-01T00:00:00.000Z');
      expect(await p.keys.get(second.keyId)).toEqual(second);
      expect((await p.keys.listForParty('keys-list')).map((k) => [k.name, k.revokedAt])).toEqual([
        ['desk laptop', '2026-02-01T00:00:00.000Z'],
        ['website CMS', undefined],
      ]);
      expect(await p.keys.listForParty('keys-nobody')).toEqual([]);
    });

    it('records a use at most once a minute, and not for an unknown key', async () => {
      const key = aKey('keys-use');
      await p.keys.putWithinLimit(key, 20);
      expect(await p.keys.recordUse(key.keyId, '2026-03-01T10:00:00.000Z')).toBe(true);
      expect(await p.keys.recordUse(key.keyId, '2026-03-01T10:00:59.999Z')).toBe(false);
      expect((await p.keys.get(key.keyId))?.lastUsedAt).toBe('2026-03-01T10:00:00.000Z');
      expect(await p.keys.recordUse(key.keyId, '2026-03-01T10:01:00.000Z')).toBe(true);
      expect((await p.keys.get(key.keyId))?.lastUsedAt).toBe('2026-03-01T10:01:00.000Z');
      expect(await p.keys.recordUse('0000000000000000', '2026-03-01T10:05:00.000Z')).toBe(false);
      expect(await p.keys.get('0000000000000000')).toBeUndefined();
    });

    it('issues no key beyond the live limit, and counts revoked keys out', async () => {
      const keys = [aKey('keys-limit'), aKey('keys-limit'), aKey('keys-limit')];
      for (const k of keys) expect(await p.keys.putWithinLimit(k, 3)).toBe(true);
      const refused = aKey('keys-limit');
      expect(await p.keys.putWithinLimit(refused, 3)).toBe(false);
      expect(await p.keys.get(refused.keyId)).toBeUndefined();
      expect(await p.keys.putWithinLimit(aKey('keys-limit-other'), 3)).toBe(true);
      await p.keys.revoke((keys[0] as PressKeyRecord).keyId, '2026-02-01T00:00:00.000Z');
      expect(await p.keys.putWithinLimit(aKey('keys-limit'), 3)).toBe(true);
      expect((await p.keys.listForParty('keys-limit')).filter((k) => !k.revokedAt)).toHaveLength(3);
    });

    it('holds the limit when many keys are issued at once', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => p.keys.putWithinLimit(aKey('keys-race'), 3)));
      expect(results.filter(Boolean)).toHaveLength(3);
      expect(await p.keys.listForParty('keys-race')).toHaveLength(3);
    });

    it('counts keys stored before the limit existed', async () => {
      await p.keys.put(issuePressKey('keys-legacy', new Date('2024-01-01T00:00:00Z')).record);
      await p.keys.put(issuePressKey('keys-legacy', new Date('2024-01-02T00:00:00Z')).record);
      expect(await p.keys.putWithinLimit(aKey('keys-legacy'), 3)).toBe(true);
      expect(await p.keys.putWithinLimit(aKey('keys-legacy'), 3)).toBe(false);
    });
  });

  describe('audit log', () => {
    it('lists an office’s entries newest first, with who, what and from where', async () => {
      await p.audit.record(anEntry('audit-order', '2026-04-01T10:00:00.000Z', 'statement.submit', { target: 'st-1', ip: '192.0.2.1' }));
      await p.audit.record(anEntry('audit-order', '2026-04-01T12:00:00.000Z', 'key.revoke', { target: 'k2', detail: 'old laptop' }));
      await p.audit.record(anEntry('audit-order', '2026-04-01T11:00:00.000Z', 'statement.sign', { via: 'desk', target: 'st-2' }));
      const page = await p.audit.list('audit-order', { limit: 10 });
      expect(page.items.map((e) => e.action)).toEqual(['key.revoke', 'statement.sign', 'statement.submit']);
      expect(page.items[2]).toEqual(
        anEntry('audit-order', '2026-04-01T10:00:00.000Z', 'statement.submit', { target: 'st-1', ip: '192.0.2.1' }),
      );
      expect(page.nextCursor).toBeUndefined();
    });

    it('pages with a cursor, every entry once, those of one millisecond too', async () => {
      const times = ['01', '02', '02', '02', '03', '04', '05'].map((s) => `2026-05-01T00:00:${s}.000Z`);
      for (const [i, at] of times.entries()) await p.audit.record(anEntry('audit-pages', at, 'statement.submit', { target: `st-${i}` }));
      const pages = await allPages(p.audit, 'audit-pages', 3);
      expect(pages.map((items) => items.length)).toEqual([3, 3, 1]);
      const seen = pages.flat();
      expect(seen.map((e) => e.at)).toEqual([...times].reverse());
      expect(new Set(seen.map((e) => e.target)).size).toBe(times.length);
    });

    it('shows an office only its own entries', async () => {
      await p.audit.record(anEntry('audit-mine', '2026-06-01T00:00:00.000Z'));
      await p.audit.record(anEntry('audit-theirs', '2026-06-01T00:00:01.000Z'));
      expect((await p.audit.list('audit-mine', { limit: 10 })).items.map((e) => e.party)).toEqual(['audit-mine']);
      expect((await p.audit.list('audit-none', { limit: 10 })).items).toEqual([]);
    });

    it('refuses a cursor it did not give out', async () => {
      await expect(p.audit.list('audit-mine', { limit: 10, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(ValidationError);
    });
  });
});

describe('press keys on DynamoDB after a process stopped midway', () => {
  let servers: AwsTestServers;
  let keys: DynamoPressKeyRepository;
  let table: ReturnType<typeof tableRef>;
  beforeAll(async () => {
    servers = await startAwsTestServers();
    table = tableRef(servers.dynamo, await servers.newTable());
    keys = new DynamoPressKeyRepository(table);
  });
  afterAll(() => servers.stop());

  it('frees the slot of a key revoked before its slot was given back', async () => {
    const held = [aKey('stopped'), aKey('stopped')];
    for (const k of held) expect(await keys.putWithinLimit(k, 2)).toBe(true);
    // The revocation's first write only, as a process stopped between the two leaves it.
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: `KEY#${(held[0] as PressKeyRecord).keyId}`, sk: 'KEY' },
        UpdateExpression: 'SET #d.revokedAt = :at',
        ExpressionAttributeNames: { '#d': 'data' },
        ExpressionAttributeValues: { ':at': '2026-02-01T00:00:00.000Z' },
      }),
    );
    expect(await keys.putWithinLimit(aKey('stopped'), 2)).toBe(true);
    expect(await keys.putWithinLimit(aKey('stopped'), 2)).toBe(false);
  });

  it('frees a slot held by the id of a key that is gone (issued by a process that stopped, then refused)', async () => {
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: 'KEYSOF#ghost', sk: 'LIVE', live: new Set(['0000000000000000']) } }),
    );
    expect(await keys.putWithinLimit(aKey('ghost'), 1)).toBe(true);
    expect(await keys.putWithinLimit(aKey('ghost'), 1)).toBe(false);
  });
});
