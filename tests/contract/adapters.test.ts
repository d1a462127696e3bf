// One contract suite, run against both adapter sets: the embedded default (SQLite and files) and the
// AWS adapters (DynamoDB on dynalite, S3 on s3rver). What passes here behaves the same in both runtimes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexSearch } from '../../shared/consumers/index-search.js';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { issuePressKey } from '../../shared/domain/press-key.js';
import { listingKey, type StatementSummary } from '../../shared/domain/statement.js';
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
