// Invalidates rewritten pages at CloudFront, one request per batch (the local platform has no CDN).
import { type CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { randomToken } from '../../domain/ids.js';

export interface CdnInvalidator {
  invalidate(paths: string[]): Promise<void>;
}

/** CloudFront takes at most 3,000 paths in one invalidation; beyond that a wildcard is cheaper. */
const MAX_PATHS = 3000;

export class CloudFrontInvalidator implements CdnInvalidator {
  constructor(
    private readonly client: CloudFrontClient,
    private readonly distributionId: string,
  ) {}

  async invalidate(paths: string[]): Promise<void> {
    const unique = [...new Set(paths)].sort();
    if (unique.length === 0) return;
    const items = unique.length > MAX_PATHS ? ['/*'] : unique;
    await this.client.send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: `render-${Date.now()}-${randomToken(6)}`, Paths: { Quantity: items.length, Items: items } },
      }),
    );
  }
}
