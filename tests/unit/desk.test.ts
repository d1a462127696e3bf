// The web desk through app.request(): signing in, sessions, CSRF, and what an office may see. The forms
// themselves (compose, correct, retract, schedule) are in desk-forms.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { sha256Hex } from '../../shared/domain/ids.js';
import type { Clock } from '../../shared/ports.js';
import { aPressKey, DESK_COOKIE, DeskAgent } from '../helpers/desk-agent.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let now: Date;
const clock: Clock = { now: () => now };
let app: ReturnType<typeof createApp>;
let kke: { key: string; keyId: string };

const minutes = (n: number) => n * 60_000;
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

beforeEach(async () => {
  now = new Date('2026-11-29T10:00:00Z');
  p = await aLocalPlatform({ clock });
  app = createApp(p, { desk: { signIn: { limit: 3, windowSeconds: 600 } } });
  kke = await aPressKey(p, 'kke');
});
afterEach(() => p.cleanup());

const sessionRows = () => p.db.prepare('SELECT * FROM desk_sessions').all() as Array<Record<string, string | null>>;

describe('signing in at /desk/', () => {
  it('sends a visitor without a session to the sign-in page, whose key field the browser does not keep', async () => {
    const agent = new DeskAgent(app);
    const res = await agent.get('/desk/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/desk/sign-in');
    expect((await agent.get('/desk')).headers.get('location')).toBe('/desk/');
    await agent.get('/desk/sign-in');
    expect(agent.lastPage).toMatch(/<input type="password" id="f-key" name="key" value="" required="" autocomplete="off"/);
    expect(agent.lastPage).toContain('<label for="f-key">Press key</label>');
  });

  it('exchanges a good key for a session cookie: __Host-, HttpOnly, Secure, SameSite=Strict, eight hours', async () => {
    const agent = new DeskAgent(app);
    const res = await agent.signIn(kke.key);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/desk/');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${DESK_COOKIE}=[0-9a-z]{40,}; Max-Age=28800; Path=/; HttpOnly; Secure; SameSite=Strict$`));
    expect(cookie).not.toContain(kke.key);
    // The store knows the session by the hash of its id only, with the party and key it acts for.
    const [row] = sessionRows();
    expect(row).toMatchObject({ id_hash: sha256Hex(agent.cookie as string), party: 'kke', key_id: kke.keyId, revoked_at: null });
    expect(JSON.stringify(sessionRows())).not.toContain(agent.cookie);
    expect((await agent.get('/desk/')).status).toBe(200);
    expect(agent.lastPage).toContain('Communist Party of Greece');
    expect((await p.audit.list('kke', { limit: 10 })).items).toEqual([
      expect.objectContaining({ action: 'session.start', via: 'desk', keyId: kke.keyId }),
    ]);
  });

  it('ends the browser’s previous session when it signs in again', async () => {
    const agent = new DeskAgent(app);
    await agent.signIn(kke.key);
    const first = agent.cookie;
    await agent.post('/desk/sign-in', { key: kke.key }, { csrf: null });
    expect(agent.cookie).not.toBe(first);
    expect((await p.sessions.get(sha256Hex(first as string)))?.revokedAt).toBe(now.toISOString());
    expect((await agent.get('/desk/')).status).toBe(200);
  });

  it('refuses an unknown, a malformed and a revoked key beside the field, and starts no session', async () => {
    const revoked = await aPressKey(p, 'kke');
    await p.keys.revoke(revoked.keyId, now.toISOString());
    const cases: Array<[string, number, string]> = [
      [`cq_${'a'.repeat(16)}_${'b'.repeat(48)}`, 403, 'Unknown press key.'],
      ['my password', 403, 'This is not a press key'],
      [revoked.key, 403, 'This press key was revoked'],
      ['', 422, 'Enter your press key.'],
    ];
    const roomy = createApp(p);
    for (const [key, status, message] of cases) {
      const agent = new DeskAgent(roomy);
      const res = await agent.signIn(key);
      expect(res.status, key).toBe(status);
      expect(res.headers.get('set-cookie'), key).toBeNull();
      expect(agent.lastPage).toContain(message);
      expect(agent.lastPage).toContain('aria-invalid="true"');
      expect(agent.lastPage).toMatch(/<div class="error-summary" role="alert"[^>]*>.*<a href="#f-key">/s);
    }
    expect(sessionRows()).toEqual([]);
  });

  it('limits sign-in attempts per client address, with Retry-After', async () => {
    const agent = new DeskAgent(app);
    for (let i = 0; i < 3; i++) expect((await agent.post('/desk/sign-in', { key: 'wrong' }, { csrf: null })).status).toBe(403);
    const res = await agent.post('/desk/sign-in', { key: kke.key }, { csrf: null });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(agent.lastPage).toContain('Too many requests');
    expect(sessionRows()).toEqual([]);
  });

  it('answers with the strict CSP, no caching, no framing and no indexing', async () => {
    const res = await new DeskAgent(app).get('/desk/sign-in');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-robots-tag')).toBe('noindex, nofollow');
  });
});

describe('desk sessions', () => {
  it('end after 30 minutes without a request', async () => {
    const agent = new DeskAgent(app);
    await agent.signIn(kke.key);
    advance(minutes(29));
    expect((await agent.get('/desk/')).status).toBe(200);
    advance(minutes(29));
    expect((await agent.get('/desk/')).status).toBe(200);
    advance(minutes(31));
    const res = await agent.get('/desk/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/desk/sign-in');
    // The browser is told to forget the ended session's cookie.
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${DESK_COOKIE}=; Max-Age=0; Path=/`));
  });

  it('end eight hours after signing in, however busy', async () => {
    const agent = new DeskAgent(app);
    await agent.signIn(kke.key);
    for (let t = 20; t < 8 * 60; t += 20) {
      advance(minutes(20));
      expect((await agent.get('/desk/')).status, `after ${t} minutes`).toBe(200);
    }
    advance(minutes(20));
    expect((await agent.get('/desk/')).status).toBe(303);
  });

  it('end when the office signs out: the same cookie no longer opens the desk', async () => {
    const agent = new DeskAgent(app);
    await agent.signIn(kke.key);
    const cookie = agent.cookie;
    await agent.get('/desk/');
    advance(minutes(1));
    const res = await agent.post('/desk/sign-out', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/desk/sign-in?done=signed-out');
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${DESK_COOKIE}=; Max-Age=0`));
    agent.cookie = cookie;
    expect((await agent.get('/desk/')).status).toBe(303);
    expect(sessionRows()[0]?.revoked_at).toBe(now.toISOString());
    expect((await p.audit.list('kke', { limit: 10 })).items.map((e) => e.action)).toEqual(['session.end', 'session.start']);
  });

  it('end when their press key is revoked, and revokeAllForKey ends every one of them', async () => {
    const [laptop, phone] = [new DeskAgent(app), new DeskAgent(app)];
    await laptop.signIn(kke.key);
    await phone.signIn(kke.key);
    await p.keys.revoke(kke.keyId, now.toISOString());
    expect((await laptop.get('/desk/')).status).toBe(303);
    expect(await p.sessions.revokeAllForKey(kke.keyId, now.toISOString())).toBe(1);
    expect((await phone.get('/desk/')).status).toBe(303);
  });

  it('refuses a form posted after the session ended, saying to sign in again', async () => {
    const agent = new DeskAgent(app);
    await agent.signIn(kke.key);
    await agent.get('/desk/statements/new');
    advance(minutes(45));
    const res = await agent.post('/desk/statements', { title: 'Late', body: 'Text', language: 'el', action: 'publish' });
    expect(res.status).toBe(401);
    expect(agent.lastPage).toContain('Your desk session has ended');
    expect(p.db.prepare('SELECT count(*) AS n FROM statements').get()).toEqual({ n: 0 });
  });
});

describe('cross-site request forgery', () => {
  const publish = { title: 'Forged', body: 'Text', language: 'el', action: 'publish' };
  const statements = () => (p.db.prepare('SELECT count(*) AS n FROM statements').get() as { n: number }).n;

  it('refuses a post without the session’s token, or with another session’s', async () => {
    const [agent, other] = [new DeskAgent(app), new DeskAgent(app)];
    await agent.signIn(kke.key);
    await other.signIn((await aPressKey(p, 'kke')).key);
    await agent.get('/desk/statements/new');
    await other.get('/desk/');
    expect((await agent.post('/desk/statements', publish, { csrf: null })).status).toBe(403);
    expect((await agent.post('/desk/statements', publish, { csrf: other.csrf })).status).toBe(403);
    expect((await agent.post('/desk/sign-out', {}, { csrf: 'x' })).status).toBe(403);
    expect(agent.lastPage).toContain('Reload the page');
    expect(statements()).toBe(0);
    expect((await agent.post('/desk/statements', publish)).status).toBe(303);
    expect(statements()).toBe(1);
  });

  it('refuses a post from another site, even with the token: Sec-Fetch-Site, else Origin', async () => {
    const agent = new DeskAgent(app);
    await agent.signIn(kke.key);
    await agent.get('/desk/statements/new');
    const foreign: Array<Record<string, string | null>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': null, origin: 'https://evil.example' },
    ];
    for (const headers of foreign) {
      const res = await agent.post('/desk/statements', publish, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(agent.lastPage).toContain('not sent from a page of the desk');
    }
    // Signing in too (login CSRF): a page of another site cannot sign a browser in.
    expect(
      (await new DeskAgent(app).post('/desk/sign-in', { key: kke.key }, { csrf: null, headers: { 'sec-fetch-site': 'cross-site' } }))
        .status,
    ).toBe(403);
    // A browser too old for Fetch Metadata sends Origin: this site's is accepted.
    const res = await agent.post('/desk/statements', publish, {
      headers: { 'sec-fetch-site': null, origin: 'http://localhost:3000' },
    });
    expect(res.status).toBe(303);
  });
});

describe('party isolation', () => {
  it('shows an office only its own statements, and lets it change only those', async () => {
    const greek = new DeskAgent(app);
    await greek.signIn(kke.key);
    await greek.get('/desk/statements/new');
    const created = await greek.post('/desk/statements', { title: 'Ours', body: 'Text', language: 'el', action: 'publish' });
    const id = /\/desk\/statements\/([a-z0-9]+)\//.exec(created.headers.get('location') ?? '')?.[1] as string;

    const turkish = new DeskAgent(app);
    await turkish.signIn((await aPressKey(p, 'tkp')).key);
    await turkish.get('/desk/');
    expect(turkish.lastPage).not.toContain('Ours');
    for (const path of [`/desk/statements/${id}/`, `/desk/statements/${id}/correct`, `/desk/statements/${id}/retract`]) {
      expect((await turkish.get(path)).status, path).toBe(404);
    }
    await turkish.get('/desk/');
    const retract = await turkish.post(`/desk/statements/${id}/retract`, { reason: 'Not ours', confirm: 'yes' });
    expect(retract.status).toBe(404);
    expect((await p.statements.get(id))?.retraction).toBeUndefined();
  });
});
