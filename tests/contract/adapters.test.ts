// One contract suite, run against both adapter sets: the embedded default (SQLite and files) and the
// AWS adapters (DynamoDB on dynalite, S3 on s3rver). What passes here behaves the same in both runtimes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexSearch } from '../../shared/consumers/index-search.js';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { listingKey, type StatementSummary } from '../../shared/domain/statement.js';
import { changeSubscriber, newSubscriber, SubscriberInput, saveSubscription } from '../../shared/domain/subscriber.js';
import { AddressTakenError, StaleWriteError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { searchStore } from '../../shared/search/store-search.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aStatementInput, aStatementSummary, DEMO_PARTIES } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

const summary = (id: string, publishedAt: string, extra: Partial<StatementSummary> = {}): StatementSummary =>
  aStatementSummary({ id, publishedAt, createdAt: publishedAt, title: `title ${id}`, ...extra });
const eventOf = (s: StatementSummary): StatementEvent => ({
  type: 'statement.published',
  statementId: s.id,
  version: 1,
  party: s.party,
  occurredAt: s.createdAt,
});

describe.each(adapters.sets)('$name', ({ make }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
  });

  describe('object stores', () => {
    it('returns what was put, byte for byte, and undefined for a missing key', async () => {
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await p.blobs.put('statements/x/v1.json', bytes, 'application/octet-stream');
      expect(Buffer.from((await p.blobs.get('statements/x/v1.json')) ?? [])).toEqual(Buffer.from(bytes));
      expect(await p.blobs.get('statements/none/v1.json')).toBeUndefined();
    });
    it('stores UTF-8 text and lists keys under a prefix', async () => {
      await p.site.put('parties/kke/index.html', '<p>Κομμουνιστικό Κόμμα</p>', 'text/html');
      await p.site.put('parties/tkp/index.html', '<p>Türkiye Komünist Partisi</p>', 'text/html');
      await p.site.put('index.html', 'home', 'text/html');
      expect(Buffer.from((await p.site.get('parties/kke/index.html')) ?? []).toString('utf8')).toBe('<p>Κομμουνιστικό Κόμμα</p>');
      expect(await p.site.list('parties/')).toEqual(['parties/kke/index.html', 'parties/tkp/index.html']);
    });
  });

  describe('parties and press keys', () => {
    it('lists parties by id and updates on a second put', async () => {
      await p.parties.put({ ...DEMO_PARTIES[0], name: 'KKE' } as never);
      expect((await p.parties.get('kke'))?.name).toBe('KKE');
      expect((await p.parties.list()).map((x) => x.id)).toEqual(['jcp', 'kke', 'tkp', 'tudeh']);
    });
    it('keeps a key record, revokes it once, and lists a party’s keys', async () => {
      const { record } = issuePressKey('tkp', new Date('2026-01-01T00:00:00Z'));
      await p.keys.put(record);
      expect(await p.keys.get(record.keyId)).toEqual(record);
      expect(await p.keys.revoke(record.keyId, '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await p.keys.revoke(record.keyId, '2026-03-01T00:00:00.000Z')).toBe(true);
      expect((await p.keys.get(record.keyId))?.revokedAt).toBe('2026-02-01T00:00:00.000Z');
      expect(await p.keys.revoke('0000000000000000', '2026-02-01T00:00:00.000Z')).toBe(false);
      expect((await p.keys.listForParty('tkp')).map((k) => k.keyId)).toEqual([record.keyId]);
    });
  });

  describe('statements', () => {
    it('creates a statement once: a second create with the same id changes nothing', async () => {
      const s = summary('0000000001aaaaaaaaaaaa', '2026-01-01T00:00:00.000Z');
      expect(await p.statements.create(s, eventOf(s))).toBe(true);
      expect(await p.statements.create({ ...s, title: 'other' }, eventOf(s))).toBe(false);
      expect((await p.statements.get(s.id))?.title).toBe(s.title);
      expect(await p.statements.get('nope')).toBeUndefined();
    });
    it('creates many at once, each once, saying which were new', async () => {
      const a = summary('st-000101', '2019-03-01T00:00:00.000Z');
      const b = summary('st-000102', '2019-03-02T00:00:00.000Z', { party: 'kke', cosigners: ['tudeh'] });
      expect(await p.statements.createMany([{ summary: a, event: eventOf(a) }])).toEqual([true]);
      expect(await p.statements.createMany([a, b].map((s) => ({ summary: s, event: eventOf(s) })))).toEqual([false, true]);
      expect((await p.statements.list({ party: 'tudeh', limit: 10 })).items.map((s) => s.id)).toContain('st-000102');
      // Imported ids hold hyphens: paging one by one passes through them.
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await p.statements.list({ party: 'kke', limit: 1, ...(cursor ? { cursor } : {}) });
        ids.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids.slice(-2)).toEqual(['st-000102', 'st-000101']);
    });
    it('holds the first idempotency record for a (party, key)', async () => {
      const first = { party: 'kke', key: 'k-1', fingerprint: 'f1', statementId: 'id-1' };
      expect(await p.statements.reserveIdempotencyKey(first)).toEqual(first);
      expect(await p.statements.reserveIdempotencyKey({ ...first, fingerprint: 'f2', statementId: 'id-2' })).toEqual(first);
      expect(await p.statements.reserveIdempotencyKey({ ...first, party: 'tkp' })).toEqual({ ...first, party: 'tkp' });
    });
    it('lists newest first in pages, and by party including cosigned statements', async () => {
      const made: StatementSummary[] = [];
      for (let i = 0; i < 5; i++) {
        const s = summary(`00000000${i + 2}bbbbbbbbbbbb`, `2026-02-0${i + 1}T00:00:00.000Z`, {
          party: i % 2 ? 'tkp' : 'tudeh',
          cosigners: i === 4 ? ['jcp'] : [],
        });
        made.push(s);
        await p.statements.create(s, eventOf(s));
      }
      const first = await p.statements.list({ limit: 2 });
      expect(first.items.map((s) => s.id)).toEqual([made[4]?.id, made[3]?.id]);
      const second = await p.statements.list({ limit: 2, cursor: first.nextCursor as string });
      expect(second.items.map((s) => s.id)).toEqual([made[2]?.id, made[1]?.id]);
      const jcp = await p.statements.list({ party: 'jcp', limit: 10 });
      expect(jcp.items.map((s) => s.id)).toEqual([made[4]?.id]);
      const tkp = await p.statements.list({ party: 'tkp', limit: 1 });
      expect(tkp.items.map((s) => s.id)).toEqual([made[3]?.id]);
      const tkpNext = await p.statements.list({ party: 'tkp', limit: 1, cursor: tkp.nextCursor as string });
      expect(tkpNext.items.map((s) => s.id)).toEqual([made[1]?.id]);
      expect(tkpNext.nextCursor).toBeUndefined();
      expect(listingKey(made[0] as StatementSummary) < listingKey(made[1] as StatementSummary)).toBe(true);
    });
  });

  describe('listings', () => {
    // A fresh platform: numbers start at 1 here.
    let q: Platform;
    beforeAll(async () => {
      q = await make();
    });
    const at = (day: number) => `2020-05-${String(day).padStart(2, '0')}T00:00:00.000Z`;
    it('numbers each statement in every listing it belongs to, in the order stored, whatever its date', async () => {
      const a = summary('li-a', at(20), { party: 'kke', topics: ['peace', 'nato'], countries: ['GR'], language: 'el' });
      const b = summary('li-b', at(3), { party: 'tkp', cosigners: ['kke'], topics: ['peace'], countries: ['TR', 'GR'], language: 'tr' });
      const c = summary('li-c', '2019-12-31T23:00:00.000Z', { party: 'kke', topics: [], countries: ['GR'], language: 'el' });
      for (const s of [a, b, c]) await q.statements.create(s, eventOf(s));
      // Created again: no second number.
      expect(await q.statements.create(a, eventOf(a))).toBe(false);
      const ids = async (listing: string) => (await q.listings.range(listing, 1, 100)).map((e) => `${e.seq}:${e.summary.id}`);
      expect(await ids('home')).toEqual(['1:li-a', '2:li-b', '3:li-c']);
      expect(await ids('party:kke')).toEqual(['1:li-a', '2:li-b', '3:li-c']);
      expect(await ids('party:tkp')).toEqual(['1:li-b']);
      expect(await ids('country:GR')).toEqual(['1:li-a', '2:li-b', '3:li-c']);
      expect(await ids('country:TR')).toEqual(['1:li-b']);
      expect(await ids('language:el')).toEqual(['1:li-a', '2:li-c']);
      expect(await ids('topic:peace')).toEqual(['1:li-a', '2:li-b']);
      expect(await ids('topic:nato')).toEqual(['1:li-a']);
      expect(await ids('year:2020')).toEqual(['1:li-a', '2:li-b']);
      expect(await ids('year:2019')).toEqual(['1:li-c']);
      expect((await q.listings.range('home', 2, 3)).map((e) => e.summary.id)).toEqual(['li-b', 'li-c']);
      expect(Object.fromEntries(await q.listings.placesOf('li-b'))).toEqual({
        home: 2,
        'party:tkp': 1,
        'party:kke': 2,
        'country:TR': 1,
        'country:GR': 2,
        'language:tr': 1,
        'topic:peace': 2,
        'year:2020': 2,
      });
      expect(await q.listings.sizes('party:')).toEqual([
        { listing: 'party:kke', size: 3 },
        { listing: 'party:tkp', size: 1 },
      ]);
      expect((await q.listings.sizes('')).map((x) => x.listing)).toContain('year:2019');
    });
    it('gives the newest first with the size, and the neighbours of an entry', async () => {
      const newest = await q.listings.newest('party:kke', 2);
      expect(newest.size).toBe(3);
      expect(newest.entries.map((e) => e.summary.id)).toEqual(['li-c', 'li-b']);
      const middle = await q.listings.neighbours('party:kke', 2);
      expect([middle.before?.summary.id, middle.after?.summary.id]).toEqual(['li-a', 'li-c']);
      const first = await q.listings.neighbours('party:kke', 1);
      expect(first.before).toBeUndefined();
      expect(first.after?.seq).toBe(2);
      expect(await q.listings.newest('topic:none', 5)).toEqual({ entries: [], size: 0 });
    });
    it('numbers a statement under a party when that party signs it, at the end', async () => {
      const s = await q.statements.get('li-a');
      const signed = { ...(s as StatementSummary), version: 2, cosigners: ['tkp'] };
      expect(await q.statements.update(signed, 1, { ...eventOf(signed), type: 'statement.signed', version: 2, party: 'tkp' })).toBe(true);
      expect((await q.listings.range('party:tkp', 1, 10)).map((e) => `${e.seq}:${e.summary.id}@${e.summary.version}`)).toEqual([
        '1:li-b@1',
        '2:li-a@2',
      ]);
      // Everywhere else it keeps its number.
      expect((await q.listings.placesOf('li-a')).get('home')).toBe(1);
      expect((await q.listings.sizes('')).find((x) => x.listing === 'home')?.size).toBe(3);
    });
    it('numbers concurrent writes without gaps or duplicates', async () => {
      const many = Array.from({ length: 12 }, (_, i) =>
        summary(`li-m${i}`, at(1 + i), { party: 'jcp', countries: ['JP'], language: 'ja' }),
      );
      await Promise.all(many.map((s) => q.statements.create(s, eventOf(s))));
      const seqs = (await q.listings.range('party:jcp', 1, 100)).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });
  });

  describe('subscribers and the send ledger', () => {
    it('stores subscribers and files the active ones under their buckets, page by page', async () => {
      const kke = newSubscriber({ email: 'reader@example.org', parties: ['kke', 'tkp'] }, new Date());
      await p.subscribers.put(kke);
      expect(await p.subscribers.get(kke.id)).toEqual({ ...kke, revision: 1 });
      const greeks = Array.from({ length: 7 }, (_, i) => newSubscriber({ email: `gr${i}@example.org`, countries: ['GR'] }, new Date()));
      await p.subscribers.putMany(greeks);
      const pending = newSubscriber({ email: 'pending@example.org', countries: ['GR'] }, new Date(), false);
      await p.subscribers.put(pending);
      const digest = newSubscriber({ email: 'digest@example.org', parties: ['kke'], frequency: 'weekly' }, new Date());
      await p.subscribers.put(digest);
      const ids = async (bucket: string) => {
        const found: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await p.subscribers.inBucket(bucket, { limit: 3, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(3);
          found.push(...page.items.map((s) => s.id));
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      };
      expect(await ids('party:kke')).toEqual([kke.id]);
      expect(await ids('party:tkp')).toEqual([kke.id]);
      expect(await ids('country:GR')).toEqual(greeks.map((s) => s.id).sort());
      expect(await ids('digest:weekly')).toEqual([digest.id]);
      // Confirming files it; unsubscribing takes it out of every bucket; changing choices moves it.
      await p.subscribers.put({ ...pending, revision: 1, confirmedAt: new Date().toISOString() });
      expect(await ids('country:GR')).toContain(pending.id);
      await p.subscribers.put({ ...kke, revision: 1, unsubscribedAt: new Date().toISOString() });
      expect(await ids('party:kke')).toEqual([]);
      const [first, second] = greeks as [typeof kke, typeof kke];
      await p.subscribers.put({ ...first, revision: 1, countries: [], languages: ['el'] });
      expect(await ids('country:GR')).not.toContain(first.id);
      expect(await ids('language:el')).toEqual([first.id]);
      const some = await p.subscribers.getMany([second.id, 'nosuchid0000000000000000', digest.id]);
      expect(some.map((s) => s.id).sort()).toEqual([second.id, digest.id].sort());
      expect(await p.subscribers.remove(digest.id)).toBe(true);
      expect(await p.subscribers.remove(digest.id)).toBe(false);
      expect(await ids('digest:weekly')).toEqual([]);
      expect(await p.subscribers.findByEmail('digest@example.org')).toBeUndefined();
      const all = await p.subscribers.list({ limit: 100 });
      expect(all.items.map((s) => s.email)).toContain('reader@example.org');
      expect(all.items).toHaveLength(9);
    });

    it('stores a change only over the revision it read: of two writers of one record, the later reads again', async () => {
      const s = newSubscriber({ email: 'contested@example.org' }, new Date());
      await p.subscribers.put(s);
      const read = (await p.subscribers.get(s.id)) as typeof s;
      await p.subscribers.put({ ...read, parties: ['kke'] });
      // A writer still holding the first read loses, and changes nothing.
      await expect(p.subscribers.put({ ...read, unsubscribedAt: '2026-11-29T00:00:00.000Z' })).rejects.toBeInstanceOf(StaleWriteError);
      expect(await p.subscribers.get(s.id)).toMatchObject({ parties: ['kke'], revision: 2 });
      // changeSubscriber reads again: both changes stand, however many writers race.
      await Promise.all(
        ['2026-11-29T00:00:00.000Z', '2026-11-29T00:00:01.000Z'].map((at, i) =>
          changeSubscriber(p.subscribers, s.id, (current) =>
            i === 0 ? { ...current, unsubscribedAt: at } : { ...current, topics: ['peace'] },
          ),
        ),
      );
      expect(await p.subscribers.get(s.id)).toMatchObject({
        parties: ['kke'],
        topics: ['peace'],
        unsubscribedAt: '2026-11-29T00:00:00.000Z',
        revision: 4,
      });
    });

    it('lets exactly one caller claim a send, and another take it over once its lease ran out', async () => {
      const [a, b] = ['sub-a', 'sub-b'];
      expect(await p.ledger.claim('st1#1', [a, b], 60_000)).toEqual(
        new Map([
          [a, 'claimed'],
          [b, 'claimed'],
        ]),
      );
      expect((await p.ledger.claim('st1#1', [a], 60_000)).get(a)).toBe('pending');
      await p.ledger.markSent('st1#1', [a]);
      expect((await p.ledger.claim('st1#1', [a], 60_000)).get(a)).toBe('sent');
      await p.ledger.release('st1#1', [a, b]);
      // Releasing a sent entry changes nothing; a released claim is free again.
      expect(await p.ledger.claim('st1#1', [a, b], 1)).toEqual(
        new Map([
          [a, 'sent'],
          [b, 'claimed'],
        ]),
      );
      await new Promise((r) => setTimeout(r, 5));
      expect((await p.ledger.claim('st1#1', [b], 60_000)).get(b)).toBe('claimed');
      expect((await p.ledger.claim('st1#2', [b], 60_000)).get(b)).toBe('claimed');
    });

    it('gives a mailing to one walker at a time, and to another once its lease ran out', async () => {
      const mailing = {
        id: 'st1:published',
        spec: { kind: 'digest', frequency: 'daily', start: '2026-11-28T00:00:00.000Z', end: '2026-11-29T00:00:00.000Z' },
        buckets: ['all'],
        bucket: 0,
        done: false,
        jobs: 0,
        recipients: 0,
        startedAt: new Date().toISOString(),
      } as const;
      expect(await p.mailings.create({ ...mailing, buckets: ['all'] })).toBe(true);
      expect(await p.mailings.create({ ...mailing, buckets: ['other'] })).toBe(false);
      expect(await p.mailings.acquire(mailing.id, 'w1', Date.now() + 60_000)).toMatchObject({ buckets: ['all'] });
      expect(await p.mailings.acquire(mailing.id, 'w2', Date.now() + 60_000)).toBeUndefined();
      expect(await p.mailings.advance({ ...mailing, buckets: ['all'], bucket: 1 }, 'w2', Date.now() + 60_000)).toBe(false);
      expect(await p.mailings.advance({ ...mailing, buckets: ['all'], bucket: 1 }, 'w1', Date.now() + 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 5));
      expect(await p.mailings.acquire(mailing.id, 'w2', Date.now() + 60_000)).toMatchObject({ bucket: 1 });
      expect(await p.mailings.advance({ ...mailing, buckets: ['all'], bucket: 2 }, 'w1', Date.now() + 60_000)).toBe(false);
      await p.mailings.release(mailing.id, 'w2');
      expect(await p.mailings.acquire(mailing.id, 'w3', Date.now() + 60_000)).toMatchObject({ bucket: 1 });
      expect(await p.mailings.acquire('no-such-mailing', 'w3', Date.now() + 60_000)).toBeUndefined();
    });

    it('counts what was mailed and what came back, per day', async () => {
      await p.emailStats.add('2026-11-27', { sent: 5 });
      await p.emailStats.add('2026-11-28', { sent: 40, bounces: 1 });
      await p.emailStats.add('2026-11-28', { sent: 10, complaints: 1 });
      expect(await p.emailStats.since('2026-11-28')).toEqual([{ day: '2026-11-28', sent: 50, bounces: 1, complaints: 1 }]);
    });
  });

  describe('subscriber lookup by address', () => {
    const input = (email: string, parties: string[] = []) => SubscriberInput.parse({ email, parties });
    it('finds a subscriber by its address in any case, and nothing for an unknown address', async () => {
      const s = newSubscriber(input('finder@example.org'), new Date());
      await p.subscribers.put(s);
      expect(await p.subscribers.findByEmail('finder@example.org')).toEqual({ ...s, revision: 1 });
      expect(await p.subscribers.findByEmail('Finder@Example.ORG')).toEqual({ ...s, revision: 1 });
      expect(await p.subscribers.findByEmail('nobody@example.org')).toBeUndefined();
    });
    it('refuses a second subscriber with a taken address, and keeps updates of the holder', async () => {
      const first = newSubscriber(input('taken@example.org'), new Date());
      await p.subscribers.put(first);
      await expect(p.subscribers.put(newSubscriber(input('taken@example.org'), new Date()))).rejects.toBeInstanceOf(AddressTakenError);
      await p.subscribers.put({ ...first, revision: 1, unsubscribedAt: '2026-11-29T00:00:00.000Z' });
      expect((await p.subscribers.findByEmail('taken@example.org'))?.unsubscribedAt).toBe('2026-11-29T00:00:00.000Z');
    });
    it('updates the same subscriber when an address is added again, also by concurrent adds', async () => {
      const first = await saveSubscription(p.subscribers, input('again@example.org'), new Date());
      const again = await saveSubscription(p.subscribers, input('again@example.org', ['kke']), new Date());
      expect(again).toMatchObject({ id: first.id, unsubscribeSecret: first.unsubscribeSecret, parties: ['kke'] });
      const racing = await Promise.all(
        ['tkp', 'jcp', 'tudeh', 'kke'].map((party) => saveSubscription(p.subscribers, input('race@example.org', [party]), new Date())),
      );
      expect(new Set(racing.map((s) => s.id)).size).toBe(1);
      expect((await p.subscribers.list({ limit: 100 })).items.filter((s) => s.email === 'race@example.org')).toHaveLength(1);
    });
  });

  describe('rate limiter', () => {
    // A window of a year: a test never straddles two.
    const year = 365 * 24 * 3600;
    it('allows `limit` hits per key and window, then says how long to wait', async () => {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await p.rateLimiter.hit('contract:one', 3, year));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results[0]?.retryAfterSeconds).toBe(0);
      expect(results[3]?.retryAfterSeconds).toBeGreaterThan(0);
      expect(results[3]?.retryAfterSeconds).toBeLessThanOrEqual(year);
      expect((await p.rateLimiter.hit('contract:other', 3, year)).allowed).toBe(true);
    });
    it('counts concurrent hits exactly', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, () => p.rateLimiter.hit('contract:burst', 5, year)));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
    });
  });

  describe('the flow on these adapters', () => {
    it('submits, reads back, renders pages and indexes for search', async () => {
      // A platform of its own: the rows above have no blobs, and this statement's neighbours are rendered too.
      const p = await make();
      const { statement } = await submitStatement(
        p,
        'tudeh',
        aStatementInput({ language: 'fa', body: 'کارگران **اعتصاب** کردند', cosigners: ['kke'] }),
      );
      expect(await readStatement(p, statement.id)).toEqual(statement);
      const event = {
        type: 'statement.published',
        statementId: statement.id,
        version: 1,
        party: 'tudeh',
        occurredAt: statement.createdAt,
      } as const;
      const written = await renderPages(p, event);
      expect(written).toContain(`statements/${statement.id}/index.html`);
      expect(written).toContain('parties/tudeh/index.html');
      // kke was invited, and has not signed: the statement is not on its page.
      expect(written).not.toContain('parties/kke/index.html');
      const page = Buffer.from((await p.site.get(`statements/${statement.id}/index.html`)) ?? []).toString('utf8');
      expect(page).toContain('<html lang="fa" dir="rtl">');
      await indexSearch(p, event);
      expect((await searchStore(p.site, '', {})).hits.map((h) => h.record.id)).toContain(statement.id);
    });
  });
});
