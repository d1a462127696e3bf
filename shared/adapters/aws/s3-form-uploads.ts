// Direct uploads on AWS: S3 presigned POSTs into the content bucket, whose policy S3 itself enforces
// (the key, the declared Content-Type, a size range, an expiry), so no file passes through the API.
import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { UploadConditions, UploadForm, UploadTargets } from '../../ports.js';

export class S3FormUploads implements UploadTargets {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async prepare(c: UploadConditions): Promise<UploadForm> {
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: c.key,
      Conditions: [
        ['content-length-range', 1, c.maxBytes],
        ['eq', '$Content-Type', c.contentType],
      ],
      Fields: { 'Content-Type': c.contentType },
      // createPresignedPost counts from the system clock, as S3 does.
      Expires: Math.max(1, Math.round((c.expiresAt.getTime() - Date.now()) / 1000)),
    });
    return { url, fields };
  }
}
