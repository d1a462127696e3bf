// Rate limits per press key and per client address, so that one busy or hostile client slows only itself.
import type { Context, Env, MiddlewareHandler } from 'hono';
import { RateLimitedError } from '../../shared/errors.js';
import type { RateLimiter } from '../../shared/ports.js';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Authenticated routes, counted per press key. */
  perPressKey: RateLimit;
  /** Public routes (reads, unsubscribe), counted per client address. */
  perClient: RateLimit;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perPressKey: { limit: 120, windowSeconds: 60 },
  perClient: { limit: 60, windowSeconds: 60 },
};

/** What hono/aws-lambda and @hono/node-server put in c.env, as much of it as clientIp needs. */
interface ConnectionBindings {
  requestContext?: { http?: { sourceIp?: string } };
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The client's address. On Lambda the peer is CloudFront's edge server; CloudFront appends the viewer's
 * address to X-Forwarded-For after whatever the client sent itself, and API Gateway appends the peer:
 * so the viewer is the rightmost entry that is not the peer (the first entry is the client's to forge).
 * This relies on the API being reachable only through CloudFront. Locally, the socket's address.
 */
export function clientIp(c: Context): string {
  const env = (c.env ?? {}) as ConnectionBindings;
  const peer = env.requestContext?.http?.sourceIp;
  if (peer !== undefined) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    if (hops.at(-1) === peer) hops.pop();
    return hops.at(-1) ?? peer;
  }
  return env.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Counts each request under `keyOf(c)` and answers 429 with Retry-After once the window is full. */
export function rateLimit<E extends Env>(
  limiter: RateLimiter,
  { limit, windowSeconds }: RateLimit,
  who: string,
  keyOf: (c: Context<E>) => string,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const { allowed, retryAfterSeconds } = await limiter.hit(keyOf(c), limit, windowSeconds);
    if (!allowed) {
      throw new RateLimitedError(
        `Too many requests from this ${who}: at most ${limit} every ${windowSeconds} s. Retry after ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      );
    }
    await next();
  };
}
