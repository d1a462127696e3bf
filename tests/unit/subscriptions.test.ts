// Readers subscribe themselves: double opt-in through the API, signed expiring links, preferences, abuse limits.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { openCounters } from '../../shared/adapters/local/sqlite.js';
import { SqliteRateLimiter } from '../../shared/adapters/local/sqlite-rate-limiter.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { sha256Hex } from '../../shared/domain/ids.js';
import { newSubscriber, SubscriberInput } from '../../shared/domain/subscriber.js';
import { LINK_LIFETIME_MS } from '../../shared/domain/subscriber-links.js';
import type { Clock } from '../../shared/ports.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { drainLocalEmailJobs, mailEvent } from '../helpers/mail.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let app: ReturnType<typeof createApp>;
let now: Date;
const clock: Clock = { now: () => now };

beforeEach(async () => {
  now = new Date();
  p = await aLocalPlatform({ clock });
  app = createApp(p);
});
afterEach(() => p.cleanup());

const json = (body: unknown, ip = '203.0.113.9') => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
  body: JSON.stringify(body),
});
const form = (fields: Array<[string, string]>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** The messages in the outbox to this address, oldest first, parsed. */
async function inbox(address: string) {
  const dir = p.outboxDir;
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
  const mails = await Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(dir, f)))));
  return mails.filter((m) => (m.to as { text: string }).text === address).sort((a, b) => Number(a.date) - Number(b.date));
}
const linkIn = (text: string | undefined, purpose: 'confirm' | 'preferences') =>
  new URL(text?.match(new RegExp(`http://localhost:3000/v1/subscriptions/${purpose}\\?token=[\\w.-]+`))?.[0] ?? 'http://none/').pathname +
  new URL(text?.match(new RegExp(`http://localhost:3000/v1/subscriptions/${purpose}\\?token=[\\w.-]+`))?.[0] ?? 'http://none/').search;
const tokenOf = (link: string) => new URL(link, 'http://x').searchParams.get('token') ?? '';

async function publish(party = 'kke', overrides = {}): Promise<StatementEvent> {
  // A second apart: the inbox is read in Date order.
  now = new Date(now.getTime() + 1000);
  const { statement } = await submitStatement(p, party, aStatementInput(overrides));
  return { type: 'statement.published', statementId: statement.id, version: 1, party, occurredAt: statement.createdAt };
}

async function subscribeAndConfirm(address: string, choices: Record<string, unknown> = {}) {
  expect((await app.request('/v1/subscriptions', json({ email: address, ...choices }))).status).toBe(202);
  await drainLocalEmailJobs(p);
  const link = linkIn((await inbox(address)).at(-1)?.text, 'confirm');
  const res = await app.request('/v1/subscriptions/confirm', form([['token', tokenOf(link)]]));
  expect(res.status).toBe(200);
  return link;
}

describe('POST /v1/subscriptions', () => {
  it('stores the reader unconfirmed and mails a confirmation link; nothing else is sent before confirming', async () => {
    const res = await app.request('/v1/subscriptions', json({ email: 'Reader@Example.org', parties: ['kke'] }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'accepted' });
    // Stored off the request's path, by the email jobs' consumer.
    expect(await p.subscribers.findByEmail('reader@example.org')).toBeUndefined();
    await drainLocalEmailJobs(p);
    const s = await p.subscribers.findByEmail('reader@example.org');
    expect(s).toMatchObject({ parties: ['kke'], frequency: 'immediate' });
    expect(s?.confirmedAt).toBeUndefined();
    // Random ids, never derived from the address.
    expect(s?.id).not.toContain(sha256Hex('reader@example.org').slice(0, 8));
    const [confirmation] = await inbox('reader@example.org');
    expect(confirmation?.subject).toBe('Confirm your subscription');
    expect(linkIn(confirmation?.text, 'confirm')).toMatch(/^\/v1\/subscriptions\/confirm\?token=/);
    expect(confirmation?.html).toContain('href="http://localhost:3000/v1/subscriptions/confirm?token=');
    expect((await mailEvent(p, await publish())).sent).toEqual([]);
    expect(await inbox('reader@example.org')).toHaveLength(1);
  });

  it('subscribe -> confirm -> receive, and confirming twice changes nothing', async () => {
    const link = await subscribeAndConfirm('reader@example.org', { parties: ['kke'] });
    const confirmedAt = (await p.subscribers.findByEmail('reader@example.org'))?.confirmedAt;
    expect(confirmedAt).toBeDefined();
    expect((await app.request('/v1/subscriptions/confirm', form([['token', tokenOf(link)]]))).status).toBe(200);
    expect((await p.subscribers.findByEmail('reader@example.org'))?.confirmedAt).toBe(confirmedAt);
    now = new Date(now.getTime() + 1000);
    await mailEvent(p, await publish('kke', { title: 'For the readers of KKE' }));
    await mailEvent(p, await publish('tkp', { title: 'Not for them' }));
    expect((await inbox('reader@example.org')).map((m) => m.subject)).toEqual(['Confirm your subscription', 'For the readers of KKE']);
  });

  it('answers a known address exactly as a new one, and never lets a stranger change its choices', async () => {
    await subscribeAndConfirm('known@example.org', { parties: ['kke'] });
    now = new Date(now.getTime() + 1000);
    const known = await app.request('/v1/subscriptions', json({ email: 'known@example.org', parties: ['tkp'] }, '203.0.113.10'));
    const fresh = await app.request('/v1/subscriptions', json({ email: 'fresh@example.org', parties: ['tkp'] }, '203.0.113.10'));
    expect(known.status).toBe(fresh.status);
    expect(await known.json()).toEqual(await fresh.json());
    await drainLocalEmailJobs(p);
    expect((await p.subscribers.findByEmail('known@example.org'))?.parties).toEqual(['kke']);
    // The known reader gets a link to manage the subscription instead.
    expect((await inbox('known@example.org')).at(-1)?.subject).toBe('Your subscription');
  });

  it('takes a form post (lists repeated or space-separated) and answers with a page', async () => {
    const res = await app.request(
      '/v1/subscriptions',
      form([
        ['email', 'form@example.org'],
        ['parties', 'kke'],
        ['parties', 'tkp'],
        ['countries', 'gr tr'],
        ['topics', 'strikes'],
        ['frequency', 'weekly'],
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('Check your inbox');
    await drainLocalEmailJobs(p);
    expect(await p.subscribers.findByEmail('form@example.org')).toMatchObject({
      parties: ['kke', 'tkp'],
      countries: ['GR', 'TR'],
      topics: ['strikes'],
      frequency: 'weekly',
    });
  });

  it('refuses bad input with a 422 problem naming the field, and stores nothing', async () => {
    const res = await app.request('/v1/subscriptions', json({ email: 'not-an-address', parties: ['KKE!'] }));
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['email', 'parties.0']));
    expect((await p.subscribers.list({ limit: 10 })).items).toEqual([]);
  });

  it('limits subscribe requests per address (no mail bombing) and per client, with a 429 problem', async () => {
    for (let i = 0; i < 3; i++) {
      now = new Date(now.getTime() + 1000);
      expect((await app.request('/v1/subscriptions', json({ email: 'victim@example.org' }, `198.51.100.${i}`))).status).toBe(202);
    }
    const limited = await app.request('/v1/subscriptions', json({ email: 'victim@example.org' }, '198.51.100.99'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await drainLocalEmailJobs(p);
    expect(await inbox('victim@example.org')).toHaveLength(3);
    const fresh = { ...p, rateLimiter: new SqliteRateLimiter(openCounters(), clock) };
    const perClient = createApp(fresh, { subscribeLimits: { perClient: { limit: 2, windowSeconds: 3600 } } });
    for (const email of ['a@example.org', 'b@example.org']) {
      expect((await perClient.request('/v1/subscriptions', json({ email }, '192.0.2.1'))).status).toBe(202);
    }
    expect((await perClient.request('/v1/subscriptions', json({ email: 'c@example.org' }, '192.0.2.1'))).status).toBe(429);
  });
});

describe('confirmation and preferences links', () => {
  it('shows a confirmation page whose button confirms, so that a mail scanner opening the link confirms nothing', async () => {
    await app.request('/v1/subscriptions', json({ email: 'scanned@example.org' }));
    await drainLocalEmailJobs(p);
    const link = linkIn((await inbox('scanned@example.org'))[0]?.text, 'confirm');
    const page = await app.request(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/v1/subscriptions/confirm">');
    expect((await p.subscribers.findByEmail('scanned@example.org'))?.confirmedAt).toBeUndefined();
  });

  it('refuses an expired link or a forged one, saying how to get a new one', async () => {
    await app.request('/v1/subscriptions', json({ email: 'slow@example.org' }));
    await drainLocalEmailJobs(p);
    const link = linkIn((await inbox('slow@example.org'))[0]?.text, 'confirm');
    now = new Date(now.getTime() + LINK_LIFETIME_MS.confirm + 1000);
    const expired = await app.request('/v1/subscriptions/confirm', form([['token', tokenOf(link)]]));
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { detail: string }).detail).toContain('expired');
    const page = await app.request(link);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Subscribe again');
    const forged = tokenOf(link).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await app.request('/v1/subscriptions/confirm', form([['token', forged]]))).status).toBe(404);
    expect((await p.subscribers.findByEmail('slow@example.org'))?.confirmedAt).toBeUndefined();
  });

  it('changes what arrives from the preferences page of any email, and unsubscribes from it', async () => {
    await subscribeAndConfirm('prefs@example.org', { parties: ['kke'] });
    now = new Date(now.getTime() + 1000);
    await mailEvent(p, await publish('kke', { title: 'First' }));
    const link = linkIn((await inbox('prefs@example.org')).at(-1)?.text, 'preferences');
    const page = await app.request(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<input type="checkbox" name="parties" value="kke" checked=""/>');
    expect(html).toContain('<input type="checkbox" name="parties" value="tkp"/>');
    const token = tokenOf(link);
    const saved = await app.request(
      '/v1/subscriptions/preferences',
      form([
        ['token', token],
        ['parties', 'tkp'],
        ['frequency', 'immediate'],
        ['action', 'save'],
      ]),
    );
    expect(saved.status).toBe(200);
    expect((await p.subscribers.findByEmail('prefs@example.org'))?.parties).toEqual(['tkp']);
    await mailEvent(p, await publish('kke', { title: 'Second, of KKE' }));
    await mailEvent(p, await publish('tkp', { title: 'Third, of TKP' }));
    expect((await inbox('prefs@example.org')).map((m) => m.subject)).toEqual(['Confirm your subscription', 'First', 'Third, of TKP']);
    const gone = await app.request('/v1/subscriptions/preferences', json({ token, action: 'unsubscribe' }));
    expect(await gone.json()).toEqual({ status: 'unsubscribed' });
    await mailEvent(p, await publish('tkp', { title: 'Fourth' }));
    expect((await inbox('prefs@example.org')).map((m) => m.subject)).not.toContain('Fourth');
  });

  it('does not take a confirmation link for a preferences link, nor the reverse', async () => {
    const confirm = await subscribeAndConfirm('purpose@example.org');
    expect((await app.request('/v1/subscriptions/preferences', json({ token: tokenOf(confirm), parties: [] }))).status).toBe(404);
  });

  it('cannot be forged from what an email carries: the unsubscribe secret signs no link', async () => {
    await subscribeAndConfirm('forward@example.org');
    const s = await p.subscribers.findByEmail('forward@example.org');
    const expiry = Math.floor(now.getTime() / 1000 + 3600).toString(36);
    const forged = createHmac('sha256', s?.unsubscribeSecret ?? '')
      .update(`preferences:${s?.id}:${expiry}`)
      .digest()
      .subarray(0, 20)
      .toString('base64url');
    const res = await app.request(`/v1/subscriptions/preferences?token=${s?.id}.${expiry}.${forged}`);
    expect(res.status).toBe(404);
  });

  it('changes nothing and mails nothing when a subscribe job comes again after the reader confirmed or left', async () => {
    const request = {
      kind: 'subscribe',
      request: SubscriberInput.parse({ email: 'late@example.org' }),
      requestedAt: now.toISOString(),
    } as const;
    await p.emailJobs.enqueue([request]);
    await drainLocalEmailJobs(p);
    const link = linkIn((await inbox('late@example.org'))[0]?.text, 'confirm');
    now = new Date(now.getTime() + 1000);
    await app.request('/v1/subscriptions/confirm', form([['token', tokenOf(link)]]));
    // The same job, delivered again (a batch whose Lambda timed out comes back minutes later).
    await p.emailJobs.enqueue([request]);
    await drainLocalEmailJobs(p);
    expect(await inbox('late@example.org')).toHaveLength(1);
    const s = await p.subscribers.findByEmail('late@example.org');
    expect(s?.confirmedAt).toBeDefined();
    await p.subscribers.put({ ...(s as NonNullable<typeof s>), unsubscribedAt: new Date(now.getTime() + 1000).toISOString() });
    await p.emailJobs.enqueue([request]);
    await drainLocalEmailJobs(p);
    expect((await p.subscribers.findByEmail('late@example.org'))?.unsubscribedAt).toBeDefined();
    expect(await inbox('late@example.org')).toHaveLength(1);
  });

  it('sends a reader stored before link secrets a working preferences link when the address is entered again', async () => {
    const legacy = newSubscriber({ email: 'legacy@example.org' }, now);
    const { linkSecret: _none, ...stored } = legacy;
    await p.subscribers.put(stored);
    expect((await app.request('/v1/subscriptions', json({ email: 'legacy@example.org' }))).status).toBe(202);
    const { failed } = await drainLocalEmailJobs(p);
    expect(failed).toEqual([]);
    const [notice] = await inbox('legacy@example.org');
    expect(notice?.subject).toBe('Your subscription');
    expect((await app.request(linkIn(notice?.text, 'preferences'))).status).toBe(200);
  });

  it('keeps a reader who unsubscribed, and one suppressed by a complaint, from being resubscribed by a form', async () => {
    const angry = newSubscriber({ email: 'angry@example.org' }, now);
    await p.subscribers.put({ ...angry, unsubscribedAt: now.toISOString(), suppressedFor: 'complaint' });
    expect((await app.request('/v1/subscriptions', json({ email: 'angry@example.org' }))).status).toBe(202);
    await drainLocalEmailJobs(p);
    expect(await inbox('angry@example.org')).toEqual([]);
    expect((await p.subscribers.findByEmail('angry@example.org'))?.unsubscribedAt).toBeDefined();
  });
});
