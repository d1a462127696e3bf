// The search index over time, on real files: deltas and their compaction, corrections and removal,
// compactions that overlap or run while statements are published, retired segments, format versions.
import { describe, expect, it } from 'vitest';
import { FORMAT, idsKey, MANIFEST_KEY, ROOT } from '../../shared/search/format.js';
import { compactAt, compactIndex, indexChanges } from '../../shared/search/indexer.js';
import type { IndexDoc } from '../../shared/search/segment-builder.js';
import { searchIds, searchStore } from '../../shared/search/store-search.js';
import { aSearchDoc, searchIndexFixture, walkHeldBack } from '../helpers/search-archive.js';

const f = searchIndexFixture('communique-search-index-');
const doc = aSearchDoc;

describe('the index over time', () => {
  it('puts publishes into a small delta, merges it into the base when it grows, and finds everything throughout', async () => {
    const docs = Array.from({ length: compactAt(0) + 5 }, (_, i) => doc({ title: `Statement number${i} on peace` }));
    const actions: string[] = [];
    for (const d of docs) {
      actions.push((await f.publish(d)).action);
      expect(await searchIds(f.site, `number${docs.indexOf(d)}`)).toEqual([d.id]);
    }
    expect(actions.filter((a) => a === 'compacted')).toHaveLength(1);
    const m = await f.manifest();
    expect(m.format).toBe(FORMAT);
    expect(m.base?.docs).toBe(compactAt(0) + 1);
    expect(m.delta?.docs).toBe(4);
    expect((await searchIds(f.site, 'peace')).length).toBe(docs.length);
    // The same event again changes nothing.
    expect((await f.publish(docs[0] as IndexDoc)).action).toBe('unchanged');
  });

  it('replaces a statement’s entries with its new version, and takes a removed statement out', async () => {
    const a = doc({ title: 'Original wording' });
    const b = doc({ title: 'Second statement' });
    await f.publish(a, b);
    await compactIndex(f.site, f.locks, f.archive);
    await f.publish({ ...a, version: 2, title: 'Corrected wording' });
    expect(await searchIds(f.site, 'original')).toEqual([]);
    expect(await searchIds(f.site, 'corrected')).toEqual([a.id]);
    expect((await searchStore(f.site, '')).total).toBe(2);
    // Gone from the store (a retraction): gone from the index, base and delta.
    f.archive.docs.delete(b.id);
    await indexChanges(f.site, f.locks, [b.id], f.archive);
    expect(await searchIds(f.site, 'second')).toEqual([]);
    expect((await searchStore(f.site, '')).total).toBe(1);
    // An older version arriving late changes nothing.
    f.archive.docs.set(a.id, { ...a, version: 2, title: 'Corrected wording' });
    expect((await indexChanges(f.site, f.locks, [a.id], f.archive)).action).toBe('unchanged');
  });

  it('keeps what is published during a compaction: the switch to the new base carries it over in a delta', async () => {
    const old = Array.from({ length: 5 }, (_, i) => doc({ title: `Archive statement ${i} on housing` }));
    await f.publish(...old);
    // The walk reads the f.archive as it was when the compaction started; meanwhile a statement is published
    // and another is corrected.
    const { slow, release } = walkHeldBack(f.archive);
    const compacting = compactIndex(f.site, f.locks, slow);
    const fresh = doc({ title: 'Published during the compaction' });
    await f.publish(fresh, { ...(old[0] as IndexDoc), version: 2, title: 'Corrected during the compaction' });
    release();
    expect((await compacting).action).toBe('compacted');
    const m = await f.manifest();
    expect(m.base?.docs).toBe(5);
    // The two changed during the walk, in a delta over the new base (its first version replaced there).
    expect(m.delta?.docs).toBe(2);
    expect(m.superseded).toHaveLength(1);
    expect(await searchIds(f.site, 'compaction')).toHaveLength(2);
    expect(await searchIds(f.site, 'housing')).toHaveLength(4);
    expect((await searchStore(f.site, '')).total).toBe(6);
  });

  it('removes retired segments minutes after they were retired, never the ones in use', async () => {
    await f.publish(doc({ title: 'One' }));
    const first = (await f.manifest()).delta?.id as string;
    await f.publish(doc({ title: 'Two' }));
    expect((await f.site.list(`${ROOT}/${first}/`)).length).toBeGreaterThan(0);
    // Minutes later (the retirement is backdated), the next write removes the first delta's files.
    const m = await f.manifest();
    const current = await f.site.read(MANIFEST_KEY);
    await f.site.put(
      MANIFEST_KEY,
      JSON.stringify({ ...m, retired: m.retired.map((r) => ({ ...r, at: '2000-01-01T00:00:00Z' })) }),
      'application/json',
      {
        ifMatch: current?.etag as string,
      },
    );
    await f.publish(doc({ title: 'Three' }));
    expect(await f.site.list(`${ROOT}/${first}/`)).toEqual([]);
    const live = await f.manifest();
    expect((await f.site.list(`${ROOT}/${live.delta?.id}/`)).length).toBeGreaterThan(0);
    expect((await searchStore(f.site, '')).total).toBe(3);
  });

  it('lists at most twenty retired segments a minute after retirement, so the manifest every reader fetches stays small', async () => {
    const deltas: string[] = [];
    for (let i = 0; i < 24; i++) {
      await f.publish(doc({ title: `Burst ${i}` }));
      deltas.push((await f.manifest()).delta?.id as string);
    }
    // Within the minute nothing goes, however many: a reader may still be on any of them.
    expect((await f.manifest()).retired.length).toBeGreaterThan(20);
    expect((await f.site.list(`${ROOT}/${deltas[0]}/`)).length).toBeGreaterThan(0);
    // A minute and a half later, the next write keeps the newest twenty and removes the rest.
    const m = await f.manifest();
    const current = await f.site.read(MANIFEST_KEY);
    const earlier = (r: { id: string; at: string }) => ({ ...r, at: new Date(Date.parse(r.at) - 90_000).toISOString() });
    await f.site.put(MANIFEST_KEY, JSON.stringify({ ...m, retired: m.retired.map(earlier) }), 'application/json', {
      ifMatch: current?.etag as string,
    });
    await f.publish(doc({ title: 'One more' }));
    const after = await f.manifest();
    expect(after.retired).toHaveLength(20);
    expect(await f.site.list(`${ROOT}/${deltas[0]}/`)).toEqual([]);
    expect((await f.site.list(`${ROOT}/${deltas[22]}/`)).length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(after))).toBeLessThan(12_000);
  });

  it('never scores below zero: a word in every statement, one of them replaced, still finds them all', async () => {
    const all = Array.from({ length: compactAt(0) + 1 }, (_, i) => doc({ title: `Everywhere ${i}` }));
    await f.publish(...all);
    await f.publish({ ...(all[0] as IndexDoc), version: 2, title: 'Everywhere again' });
    expect((await searchStore(f.site, 'everywhere')).total).toBe(all.length);
  });

  it('says what to do when the delta it must rebuild has lost a file', async () => {
    await f.publish(doc({ title: 'First' }));
    const m = await f.manifest();
    await f.site.delete([idsKey(m.delta?.id as string, 0)]);
    await expect(f.publish(doc({ title: 'Second' }))).rejects.toThrow(/run `rebuild`/);
  });

  it('lets the later of two overlapping compactions win, and loses nothing published meanwhile', async () => {
    await f.publish(...Array.from({ length: 3 }, (_, i) => doc({ title: `Old statement ${i} on pensions` })));
    const { slow, release } = walkHeldBack(f.archive);
    const first = compactIndex(f.site, f.locks, slow);
    const late = doc({ title: 'Published between the two compactions on pensions' });
    await f.publish(late);
    expect((await compactIndex(f.site, f.locks, f.archive)).action).toBe('compacted');
    release();
    expect((await first).action).toBe('unchanged');
    expect((await f.manifest()).base?.docs).toBe(4);
    expect(await searchIds(f.site, 'pensions')).toHaveLength(4);
    // The stood-down compaction's files are gone; only the live base is left.
    const m = await f.manifest();
    const known = [m.base?.id, m.delta?.id, ...m.retired.map((r) => r.id)];
    const segments = new Set((await f.site.list(`${ROOT}/`)).filter((k) => !k.endsWith('manifest.json')).map((k) => k.split('/')[2]));
    expect([...segments].filter((id) => !known.includes(id))).toEqual([]);
  });

  it('refuses to mix index formats: a reader of another version is told to reload', async () => {
    await f.publish(doc({ title: 'Statement' }));
    const m = await f.manifest();
    const current = await f.site.read(MANIFEST_KEY);
    await f.site.put(MANIFEST_KEY, JSON.stringify({ ...m, format: FORMAT + 1 }), 'application/json', { ifMatch: current?.etag as string });
    await expect(searchStore(f.site, 'statement')).rejects.toThrow(/reload the page/);
  });
});
