// Conditional puts and locks, the two halves of every shared read-modify-write: the file store and
// DynamoDB leases on real implementations; S3's If-Match at the SDK call (s3rver ignores conditions).
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLocks } from '../../shared/adapters/aws/dynamo-locks.js';
import { S3ObjectStore } from '../../shared/adapters/aws/s3-store.js';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { ProcessLocks } from '../../shared/adapters/local/process-locks.js';
import { LockTimeoutError, PreconditionFailedError } from '../../shared/errors.js';
import { tableRef } from '../../shared/runtime/aws.js';
import { MANIFEST_KEY } from '../../shared/search/format.js';
import { type IndexSource, indexChanges } from '../../shared/search/indexer.js';
import type { IndexDoc } from '../../shared/search/segment-builder.js';
import { searchIds } from '../../shared/search/store-search.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { tempDir } from '../helpers/local-platform.js';

describe('FileObjectStore conditional puts', () => {
  it('writes if-none-match only when absent and if-match only over the version read', async () => {
    const store = new FileObjectStore(tempDir());
    await store.put('a.json', '1', 'application/json', { ifNoneMatch: '*' });
    await expect(store.put('a.json', '2', 'application/json', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    const first = await store.read('a.json');
    await store.put('a.json', '2', 'application/json', { ifMatch: first?.etag as string });
    await expect(store.put('a.json', '3', 'application/json', { ifMatch: first?.etag as string })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(Buffer.from((await store.get('a.json')) ?? []).toString()).toBe('2');
  });

  it('lets exactly one of many racing writers that read the same version win', async () => {
    const store = new FileObjectStore(tempDir());
    await store.put('counter', '0', 'text/plain');
    const seen = await store.read('counter');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.put('counter', String(i + 1), 'text/plain', { ifMatch: seen?.etag as string })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('S3ObjectStore conditional puts (at the SDK call)', () => {
  const precondition = () =>
    new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one…' });

  it('sends If-Match / If-None-Match and turns 412 into PreconditionFailedError', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).rejects(precondition());
    const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 'site');
    await expect(store.put('k', 'v', 'text/plain', { ifMatch: '"e1"' })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(store.put('k', 'v', 'text/plain', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({ IfMatch: '"e1"' });
    expect(calls[1]).toMatchObject({ IfNoneMatch: '*' });
    s3.restore();
  });

  it('never lets a search index writer whose manifest changed meanwhile overwrite it; its retry builds on the other writer’s', async () => {
    const s3 = mockClient(S3Client);
    const objects = new Map<string, { body: string; etag: string }>();
    let version = 0;
    let raced = false;
    s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
      const o = objects.get(input.Key);
      if (!o) throw new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'none' });
      return { ETag: o.etag, Body: { transformToByteArray: async () => Buffer.from(o.body) } };
    });
    s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: Uint8Array; IfMatch?: string; IfNoneMatch?: string }) => {
      const o = objects.get(input.Key);
      if ((input.IfMatch && o?.etag !== input.IfMatch) || (input.IfNoneMatch && o)) throw precondition();
      objects.set(input.Key, { body: Buffer.from(input.Body).toString(), etag: `"v${++version}"` });
      return {};
    });
    const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 'site');
    const doc = (id: string, title: string): IndexDoc => ({
      id,
      version: 1,
      title,
      summary: '',
      body: 'text',
      language: 'en',
      rtl: false,
      parties: [{ id: 'kke', name: 'KKE' }],
      countries: ['GR'],
      topics: [],
      publishedAt: '2026-11-01T00:00:00.000Z',
    });
    const source = (docs: IndexDoc[]): IndexSource => ({
      load: async (ids) => {
        // Another writer (its lease expired under this one) commits its manifest between our read and write.
        if (!raced && ids.includes('mine')) {
          raced = true;
          await indexChanges(store, new ProcessLocks(), ['other'], source([doc('other', 'Strike elsewhere')]));
        }
        return ids.map((id) => docs.find((d) => d.id === id));
      },
      all: async function* () {},
    });
    const both = [doc('mine', 'General strike'), doc('other', 'Strike elsewhere')];
    await expect(indexChanges(store, new ProcessLocks(), ['mine'], source(both))).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await searchIds(store, 'strike')).sort()).toEqual(['other']);
    await indexChanges(store, new ProcessLocks(), ['mine'], source(both));
    expect((await searchIds(store, 'strike')).sort()).toEqual(['mine', 'other']);
    expect(
      s3
        .commandCalls(PutObjectCommand)
        .filter((c) => c.args[0].input.Key === MANIFEST_KEY && !c.args[0].input.IfMatch && !c.args[0].input.IfNoneMatch),
    ).toEqual([]);
    s3.restore();
  });
});

describe('DynamoLocks (on dynalite)', () => {
  let servers: AwsTestServers;
  beforeAll(async () => {
    servers = await startAwsTestServers();
  });
  afterAll(async () => {
    await servers.stop();
  });

  it('lets one holder in at a time', async () => {
    const locks = new DynamoLocks(tableRef(servers.dynamo, await servers.newTable()));
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        locks.withLock('page', async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 15));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('takes over a lease whose holder died, and times out on a live one', async () => {
    const table = tableRef(servers.dynamo, await servers.newTable());
    const short = new DynamoLocks(table, { leaseMs: 50, waitMs: 5_000 });
    // A holder that died (its process froze at a timeout): its lease is never renewed or released.
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: 'LOCK#shard', sk: 'LOCK', owner: 'dead', leaseUntil: Date.now() + 50 } }),
    );
    await expect(short.withLock('shard', async () => 'in')).resolves.toBe('in');

    const impatient = new DynamoLocks(table, { leaseMs: 10_000, waitMs: 100 });
    let release: () => void = () => undefined;
    const held = impatient.withLock('busy', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    await expect(impatient.withLock('busy', async () => 'in')).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await held;
  });

  it('keeps its lease while the work outlasts it, renewing it', async () => {
    const table = tableRef(servers.dynamo, await servers.newTable());
    const locks = new DynamoLocks(table, { leaseMs: 150, waitMs: 300 });
    let release: () => void = () => undefined;
    const held = locks.withLock('index', () => new Promise<void>((r) => (release = r)));
    // Three lease periods later, the holder still has it: another caller waits in vain.
    await new Promise((r) => setTimeout(r, 450));
    await expect(locks.withLock('index', async () => 'in')).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await held;
    await expect(locks.withLock('index', async () => 'in')).resolves.toBe('in');
  });
});
