// ObjectStore on S3: the content bucket (canonical statements) and the site bucket.
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PreconditionFailedError } from '../../errors.js';
import type { ObjectStore, PutCondition, PutOptions, VersionedObject } from '../../ports.js';

/** 412: the condition did not hold; 409: a concurrent conditional write to the same key won. */
function lostTheRace(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (e as Error)?.name;
  return status === 412 || status === 409 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict';
}

function isMissing(e: unknown): boolean {
  return (e as Error).name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    /** Cache-Control for what this store writes (the site's pages revalidate; blobs are not served). */
    private readonly cacheControl?: (key: string) => string | undefined,
  ) {}

  async put(key: string, body: string | Uint8Array, contentType: string, condition?: PutCondition, options?: PutOptions): Promise<void> {
    const cache = this.cacheControl?.(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
          ContentType: contentType,
          ...(cache ? { CacheControl: cache } : {}),
          ...(options?.contentDisposition ? { ContentDisposition: options.contentDisposition } : {}),
          ...(condition && 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : {}),
          ...(condition && 'ifNoneMatch' in condition ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (e) {
      if (condition && lostTheRace(e)) throw new PreconditionFailedError(`s3://${this.bucket}/${key} changed since it was read`);
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.read(key))?.body;
  }

  async read(key: string): Promise<VersionedObject | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = await r.Body?.transformToByteArray();
      return body ? { body, etag: r.ETag ?? '' } : undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(keys: string[]): Promise<void> {
    // DeleteObjects takes at most 1,000 keys.
    for (let from = 0; from < keys.length; from += 1000) {
      const r = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(from, from + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (r.Errors?.length)
        throw new Error(`s3://${this.bucket}: could not delete ${r.Errors.length} objects (${r.Errors[0]?.Code}: ${r.Errors[0]?.Message})`);
    }
  }
}
