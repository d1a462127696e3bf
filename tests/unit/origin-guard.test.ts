// The API answers only requests that came through CloudFront when the platform has an origin secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let platform: Awaited<ReturnType<typeof aLocalPlatform>>;
beforeAll(async () => {
  platform = await aLocalPlatform();
});
afterAll(() => platform.cleanup());

describe('the origin guard', () => {
  const guarded = () => createApp({ ...platform, config: { ...platform.config, originSecret: 'Zq4uVhX0origin' } });

  it('answers 403 problem+json without the x-origin-verify header', async () => {
    const res = await guarded().request('/v1/statements');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { status: number }).status).toBe(403);
  });

  it('answers 403 to a wrong secret, whatever its length', async () => {
    for (const value of ['x', 'Zq4uVhX0origin!', 'zq4uvhx0origin']) {
      expect((await guarded().request('/v1/statements', { headers: { 'x-origin-verify': value } })).status).toBe(403);
    }
  });

  it('lets a request with the secret through', async () => {
    const res = await guarded().request('/v1/statements', { headers: { 'x-origin-verify': 'Zq4uVhX0origin' } });
    expect(res.status).toBe(200);
  });

  it('guards nothing when the platform has no secret (the local platform)', async () => {
    expect((await createApp(platform).request('/v1/statements')).status).toBe(200);
  });
});
