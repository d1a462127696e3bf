// Rate limits: the embedded limiter's fixed windows, and the API's limits per press key and per client address.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppOptions, createApp } from '../../functions/api/app.js';
import { SqliteRateLimiter } from '../../shared/adapters/local/sqlite-rate-limiter.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let now: Date;

// The clock stands still unless a test moves it, so that every request of a test falls in one window.
beforeEach(async () => {
  now = new Date('2026-11-29T10:00:20.000Z');
  p = await aLocalPlatform({ clock: { now: () => now } });
});
afterEach(() => p.cleanup());

describe('SqliteRateLimiter', () => {
  it('refuses hits over the limit until the window ends, then counts afresh', async () => {
    const limiter = new SqliteRateLimiter(p.db, p.clock);
    now = new Date('2026-11-29T10:00:45.000Z');
    expect(await limiter.hit('key:a', 1, 60)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(await limiter.hit('key:a', 1, 60)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    now = new Date('2026-11-29T10:01:00.000Z');
    expect(await limiter.hit('key:a', 1, 60)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(await limiter.hit('key:a', 1, 60)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('deletes the rows of ended windows now and then', async () => {
    const limiter = new SqliteRateLimiter(p.db, p.clock);
    for (let i = 0; i < 10; i++) await limiter.hit(`ip:one-off-${i}`, 5, 60);
    now = new Date('2026-11-29T11:00:00.000Z');
    for (let i = 0; i < 1_000; i++) await limiter.hit('ip:busy', 5_000, 60);
    expect(p.db.prepare('SELECT key FROM rate_limits').all()).toEqual([{ key: 'ip:busy' }]);
  });
});

describe('API rate limits', () => {
  const appWith = (options: AppOptions) => createApp(p, options);
  const post = (app: ReturnType<typeof createApp>, key: string) =>
    app.request('/v1/statements', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(aStatementInput()),
    });
  const keyFor = async (party: string) => {
    const { key, record } = issuePressKey(party, now);
    await p.keys.put(record);
    return key;
  };
  /** A request through CloudFront: the client's own X-Forwarded-For entry, the viewer CloudFront saw, the edge API Gateway saw. */
  const viaCloudFront = (viewer: string, forged = '198.51.100.1') => ({
    init: { headers: { 'x-forwarded-for': `${forged}, ${viewer}, 130.176.9.9` } },
    env: { requestContext: { http: { sourceIp: '130.176.9.9' } } },
  });

  it('answers 429 problem+json with Retry-After once a press key used up its window, and only for that key', async () => {
    const app = appWith({ rateLimits: { perPressKey: { limit: 2, windowSeconds: 60 } } });
    const kke = await keyFor('kke');
    expect((await post(app, kke)).status).toBe(201);
    expect((await post(app, kke)).status).toBe(201);
    const limited = await post(app, kke);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(((await limited.json()) as { detail: string }).detail).toContain('press key');
    expect((await p.statements.list({ limit: 10 })).items).toHaveLength(2);
    expect((await post(app, await keyFor('tkp'))).status).toBe(201);
  });

  it('takes its limits from the platform’s configuration (RATE_LIMIT_PER_KEY, RATE_LIMIT_PER_ADDRESS)', async () => {
    const app = createApp({ ...p, config: { ...p.config, rateLimitsPerMinute: { pressKey: 1 } } });
    const kke = await keyFor('kke');
    expect((await post(app, kke)).status).toBe(201);
    expect((await post(app, kke)).status).toBe(429);
  });

  it('limits public routes per client address, which a forged X-Forwarded-For entry does not change', async () => {
    const app = appWith({ rateLimits: { perClient: { limit: 2, windowSeconds: 60 } } });
    const get = (r: ReturnType<typeof viaCloudFront>) => app.request('/v1/statements', r.init, r.env);
    expect((await get(viaCloudFront('203.0.113.7', '192.0.2.1'))).status).toBe(200);
    expect((await get(viaCloudFront('203.0.113.7', '192.0.2.2'))).status).toBe(200);
    const limited = await get(viaCloudFront('203.0.113.7', '192.0.2.3'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(((await limited.json()) as { detail: string }).detail).toContain('client address');
    expect((await get(viaCloudFront('203.0.113.8'))).status).toBe(200);
    const viewer = viaCloudFront('203.0.113.7');
    expect((await app.request('/v1/unsubscribe', { ...viewer.init, method: 'POST' }, viewer.env)).status).toBe(429);
  });

  it('counts local clients by their socket address', async () => {
    const app = appWith({ rateLimits: { perClient: { limit: 1, windowSeconds: 60 } } });
    const fromSocket = (remoteAddress: string) => app.request('/v1/statements', {}, { incoming: { socket: { remoteAddress } } });
    expect((await fromSocket('127.0.0.1')).status).toBe(200);
    expect((await fromSocket('127.0.0.1')).status).toBe(429);
    expect((await fromSocket('::1')).status).toBe(200);
  });
});
