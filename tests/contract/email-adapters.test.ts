// The email contract, run against both adapter sets: subscribers filed by bucket and paged, addresses held
// once, revisions, the send ledger's leases, mailings' leases, and the daily counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeSubscriber, newSubscriber, SubscriberInput, saveSubscription } from '../../shared/domain/subscriber.js';
import { AddressTakenError, StaleWriteError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { adapterSets } from '../helpers/adapter-sets.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

describe.each(adapters.sets)('$name', ({ make }) => {
  let p: Platform;
  beforeAll(async () => {
    p = await make();
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
});
