// Unsubscribing through the API: one-click POSTs, the confirmation page and its form, and what a wrong token learns.
import { timingSafeEqual } from 'node:crypto';
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { newSubscriber, type Subscriber, unsubscribeToken } from '../../shared/domain/subscriber.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

// Counts secret comparisons: an unknown id must cost one, like a known id with a wrong secret.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = vi.fn(actual.timingSafeEqual);
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let app: ReturnType<typeof createApp>;
let reader: Subscriber;

beforeEach(async () => {
  p = await aLocalPlatform();
  app = createApp(p);
  reader = newSubscriber({ email: 'reader@example.org', parties: [], languages: [] }, new Date());
  await p.subscribers.put(reader);
});
afterEach(() => {
  vi.clearAllMocks();
  p.cleanup();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const unsubscribed = async () => (await p.subscribers.get(reader.id))?.unsubscribedAt !== undefined;

describe('POST /v1/unsubscribe', () => {
  it('unsubscribes with the token in a form body, as the confirmation page sends it', async () => {
    const res = await app.request('/v1/unsubscribe', form({ token: unsubscribeToken(reader) }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(await unsubscribed()).toBe(true);
  });

  it('unsubscribes an RFC 8058 one-click POST, whose token is in the List-Unsubscribe URL', async () => {
    const url = `/v1/unsubscribe?token=${unsubscribeToken(reader)}`;
    expect((await app.request(url, form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
    expect(await unsubscribed()).toBe(true);
    expect((await app.request(url, { method: 'POST' })).status).toBe(200);
  });

  it('answers the same 404 problem for an unknown id and for a wrong secret, after the same comparison', async () => {
    const other = newSubscriber({ email: 'other@example.org', parties: [], languages: [] }, new Date());
    const compare = vi.mocked(timingSafeEqual);
    compare.mockClear();
    const unknown = await app.request('/v1/unsubscribe', form({ token: unsubscribeToken(other) }));
    expect(compare).toHaveBeenCalledTimes(1);
    const wrongSecret = await app.request('/v1/unsubscribe', form({ token: `${reader.id}.${other.unsubscribeSecret}` }));
    expect(compare).toHaveBeenCalledTimes(2);
    for (const res of [unknown, wrongSecret]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(await unknown.json()).toEqual(await wrongSecret.json());
    expect(await unsubscribed()).toBe(false);
  });

  it('answers 404 for a missing or malformed token', async () => {
    expect((await app.request('/v1/unsubscribe', { method: 'POST' })).status).toBe(404);
    expect((await app.request('/v1/unsubscribe', form({ token: 'x' }))).status).toBe(404);
  });
});

describe('GET /v1/unsubscribe', () => {
  it('renders a confirmation form that POSTs the token, under the strict CSP and with no Referer', async () => {
    const res = await app.request('/v1/unsubscribe');
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/v1/unsubscribe">');
    expect(html).toContain('<input type="hidden" name="token" value=""/>');
    expect(html).toContain('<script type="module" src="/v1/unsubscribe/fragment.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await unsubscribed()).toBe(false);
  });

  it('puts a well-formed token from the query (a List-Unsubscribe link opened in a browser) in the form, and nothing else', async () => {
    const token = unsubscribeToken(reader);
    expect(await (await app.request(`/v1/unsubscribe?token=${token}`)).text()).toContain(`name="token" value="${token}"`);
    const junk = await (await app.request('/v1/unsubscribe?token="><b>x')).text();
    expect(junk).toContain('name="token" value=""');
    expect(await unsubscribed()).toBe(false);
  });

  it("serves the script that moves the token from the email link's fragment into the form", async () => {
    const res = await app.request('/v1/unsubscribe/fragment.js');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const token = unsubscribeToken(reader);
    const field = { value: '' };
    const history = { replaceState: vi.fn() };
    const location = { hash: `#${token}`, pathname: '/v1/unsubscribe', search: '' };
    vm.runInNewContext(await res.text(), { location, history, document: { querySelector: () => field } });
    expect(field.value).toBe(token);
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/v1/unsubscribe');
    expect((await app.request('/v1/unsubscribe', form({ token: field.value }))).status).toBe(200);
  });
});
