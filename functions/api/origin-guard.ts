// Refuses requests that did not come through CloudFront: the distribution adds the origin secret as a
// header, and the API's own execute-api URL (or anything else) cannot without knowing it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../../shared/errors.js';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** With no secret (the local platform) every request passes. */
export function originGuard(secret: string | undefined): MiddlewareHandler {
  if (!secret) return async (_c, next) => next();
  const expected = digest(secret);
  return async (c, next) => {
    // Digests have one length whatever was sent, so the comparison takes the same time for any guess.
    const given = c.req.header(ORIGIN_VERIFY_HEADER);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new ForbiddenError('Send requests to the site’s address (…/v1/), not to the API’s own endpoint.');
    }
    await next();
  };
}
