// The search index and its query engine, on real files: ranking, stemming, scripts, acronyms, facets,
// prototype-named words, excerpts and highlighting, deltas and compaction, removal, format versions.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { ProcessLocks } from '../../shared/adapters/local/process-locks.js';
import { queryStemmerFor } from '../../shared/search/browser/query-stemmers.js';
import { emptyFilters, type Filters, highlight, SearchEngine } from '../../shared/search/engine.js';
import { FORMAT, idsKey, MANIFEST_KEY, type Manifest, ROOT } from '../../shared/search/format.js';
import { compactAt, compactIndex, type IndexSource, indexChanges } from '../../shared/search/indexer.js';
import type { IndexDoc } from '../../shared/search/segment-builder.js';
import { searchIds, searchStore } from '../../shared/search/store-search.js';
import { tempDir } from '../helpers/local-platform.js';

const root = tempDir('communique-search-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
function doc(over: Partial<IndexDoc> & { title: string }): IndexDoc {
  n++;
  return {
    id: `st-${String(n).padStart(4, '0')}`,
    version: 1,
    summary: '',
    body: 'A statement.',
    language: 'en',
    rtl: false,
    parties: [{ id: 'kke', name: 'Communist Party of Greece', short: 'KKE' }],
    countries: ['GR'],
    topics: [],
    publishedAt: '2026-05-01T10:00:00Z',
    ...over,
  };
}

/** An archive kept in memory: what the index reads as "stored now". */
class Archive implements IndexSource {
  readonly docs = new Map<string, IndexDoc>();
  async load(ids: string[]) {
    return ids.map((id) => this.docs.get(id));
  }
  async *all() {
    yield [...this.docs.values()];
  }
}

let site: FileObjectStore;
let archive: Archive;
const locks = new ProcessLocks();
/** As the local consumer does: into the delta, then a compaction when it is due. */
async function publish(...docs: IndexDoc[]) {
  for (const d of docs) archive.docs.set(d.id, d);
  const update = await indexChanges(
    site,
    locks,
    docs.map((d) => d.id),
    archive,
  );
  return update.compactDue ? compactIndex(site, locks, archive) : update;
}
/** A walk of the archive as it is now that yields only once released (a compaction that takes a while). */
function walkHeldBack(): { slow: IndexSource; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const before = [...archive.docs.values()];
  const slow: IndexSource = {
    load: (ids) => archive.load(ids),
    async *all() {
      await gate;
      yield before;
    },
  };
  return { slow, release };
}
const manifest = async () => JSON.parse(Buffer.from((await site.get(MANIFEST_KEY)) ?? []).toString()) as Manifest;

beforeEach(() => {
  site = new FileObjectStore(path.join(root, String(++n)));
  archive = new Archive();
});

describe('ranking and matching', () => {
  it('ranks a title match above a mention in the body, and finds inflected forms through stems', async () => {
    const body = doc({
      title: 'On the budget',
      body: `The budget debate. ${'Words about other matters. '.repeat(5)}The strike was mentioned once.`,
    });
    const title = doc({ title: 'General strike on Thursday', body: 'Workers of every sector stop work.' });
    await publish(body, title);
    expect(await searchIds(site, 'strike')).toEqual([title.id, body.id]);
    // "strikes" and "striking" find "strike" (English stems).
    expect(await searchIds(site, 'strikes')).toEqual([title.id, body.id]);
    expect(await searchIds(site, 'striking')).toEqual([title.id, body.id]);
  });

  it('stems Greek, Spanish and Russian statements in their language, and finds them from other forms', async () => {
    const el = doc({ title: 'Απεργία στα λιμάνια', language: 'el' });
    const es = doc({ title: 'Huelga general', language: 'es' });
    const ru = doc({ title: 'Права рабочих', language: 'ru' });
    await publish(el, es, ru);
    expect(await searchIds(site, 'απεργίες')).toEqual([el.id]);
    expect(await searchIds(site, 'ΑΠΕΡΓΙΑ')).toEqual([el.id]);
    expect(await searchIds(site, 'huelgas')).toEqual([es.id]);
    expect(await searchIds(site, 'правах')).toEqual([ru.id]);
  });

  it('requires every word of the query, and scores a statement by all of them', async () => {
    const both = doc({ title: 'Housing and health', body: 'housing health' });
    const one = doc({ title: 'Housing crisis' });
    await publish(both, one);
    expect(await searchIds(site, 'housing health')).toEqual([both.id]);
    expect((await searchIds(site, 'housing')).sort()).toEqual([both.id, one.id].sort());
    expect(await searchIds(site, 'housing nothingofthekind')).toEqual([]);
  });

  it('matches "NATO" written as an acronym, not the Italian "nato" (born), in one index of every language', async () => {
    const nato = doc({ title: 'No to NATO expansion' });
    const natoIt = doc({ title: 'No alla NATO', language: 'it' });
    const born = doc({ title: 'È nato un movimento', language: 'it' });
    await publish(nato, natoIt, born);
    expect((await searchIds(site, 'NATO')).sort()).toEqual([nato.id, natoIt.id].sort());
    expect(await searchIds(site, 'movimento')).toEqual([born.id]);
  });

  it('finds Japanese and Chinese statements from a CJK query, and Korean ones from Hangul', async () => {
    const ja = doc({ title: '日本共産党は自由と人権を守る', language: 'ja' });
    const zh = doc({ title: '人人享有思想自由', language: 'zh' });
    const ko = doc({ title: '노동자들의 권리를 위하여', language: 'ko' });
    await publish(ja, zh, ko);
    expect((await searchIds(site, '自由')).sort()).toEqual([ja.id, zh.id].sort());
    expect(await searchIds(site, '人権')).toEqual([ja.id]);
    expect(await searchIds(site, '노동자')).toEqual([ko.id]);
  });

  it('finds Persian and Arabic statements whatever the vowel marks and letter forms of the query', async () => {
    const fa = doc({ title: 'آزادی برای کارگران', language: 'fa', rtl: true });
    const ar = doc({ title: 'حقوق العمال', body: 'إضراب عام', language: 'ar', rtl: true });
    await publish(fa, ar);
    expect(await searchIds(site, 'آزادی')).toEqual([fa.id]);
    expect(await searchIds(site, 'كارگران')).toEqual([fa.id]);
    expect(await searchIds(site, 'العمّال')).toEqual([ar.id]);
    expect(await searchIds(site, 'اضراب')).toEqual([ar.id]);
    const [hit] = (await searchStore(site, 'آزادی')).hits;
    expect(hit?.record).toMatchObject({ language: 'fa', rtl: 1 });
  });

  it('searches words named like object properties as any other word', async () => {
    const d = doc({ title: 'constructor __proto__ hasOwnProperty toString valueOf' });
    await publish(d, doc({ title: 'Another statement' }));
    for (const word of ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'])
      expect(await searchIds(site, word), word).toEqual([d.id]);
  });

  it('matches the last word as a beginning while the reader types', async () => {
    const d = doc({ title: 'International solidarity' });
    await publish(d);
    expect(await searchIds(site, 'solida')).toEqual([]);
    expect(await searchIds(site, 'solida', { prefix: true })).toEqual([d.id]);
    expect(await searchIds(site, 'international solid', { prefix: true })).toEqual([d.id]);
  });
});

describe('results', () => {
  it('gives each hit its record and an excerpt of the body around the word, and marks the words', async () => {
    const d = doc({
      title: 'Statement on the harbour',
      summary: 'The party comments.',
      body: `${'Opening words of the statement. '.repeat(8)}The dockers struck at dawn in Piraeus. ${'Closing words. '.repeat(8)}`,
    });
    await publish(d);
    const r = await searchStore(site, 'dockers');
    expect(r.hits).toHaveLength(1);
    const [hit] = r.hits;
    expect(hit?.record).toMatchObject({
      id: d.id,
      title: d.title,
      parties: ['Communist Party of Greece'],
      date: '2026-05-01',
      language: 'en',
    });
    expect(hit?.excerpt).toContain('The dockers struck at dawn');
    expect(hit?.excerpt.length).toBeLessThan(220);
    const parts = highlight(hit?.excerpt ?? '', 'en', r.terms, queryStemmerFor);
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(['dockers']);
    expect(parts.map((p) => p.text).join('')).toBe(hit?.excerpt);
  });

  it('keeps markup from a statement as text: a payload comes back as the same string, never parsed', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"> xsscheck';
    await publish(doc({ title: payload, summary: payload, body: payload }));
    const [hit] = (await searchStore(site, 'xsscheck')).hits;
    expect(hit?.record.title).toBe(payload);
    expect(
      highlight(payload, 'en', ['xsscheck'], queryStemmerFor)
        .map((p) => p.text)
        .join(''),
    ).toBe(payload);
  });

  it('counts facets over the matches, filters by them, and browses with no query', async () => {
    const kke = { id: 'kke', name: 'Communist Party of Greece' };
    const tkp = { id: 'tkp', name: 'Communist Party of Turkey' };
    await publish(
      doc({ title: 'Strike in Athens', parties: [kke], countries: ['GR'], topics: ['strikes'], publishedAt: '2024-03-01T00:00:00Z' }),
      doc({
        title: 'Strike in Istanbul',
        parties: [tkp],
        countries: ['TR'],
        topics: ['strikes'],
        language: 'tr',
        publishedAt: '2025-03-01T00:00:00Z',
      }),
      doc({
        title: 'Joint strike call',
        parties: [kke, tkp],
        countries: ['GR', 'TR'],
        topics: ['strikes', 'solidarity'],
        publishedAt: '2025-05-01T00:00:00Z',
      }),
      doc({ title: 'On the elections', parties: [kke], topics: ['elections'], publishedAt: '2025-06-01T00:00:00Z' }),
    );
    const r = await searchStore(site, 'strike');
    expect(r.total).toBe(3);
    expect(r.facets.party).toEqual([
      { value: 'kke', label: 'Communist Party of Greece', count: 2 },
      { value: 'tkp', label: 'Communist Party of Turkey', count: 2 },
    ]);
    expect(r.facets.year).toEqual([
      { value: '2025', label: '2025', count: 2 },
      { value: '2024', label: '2024', count: 1 },
    ]);
    expect(r.facets.language.map((f) => [f.value, f.count])).toEqual([
      ['en', 2],
      ['tr', 1],
    ]);
    // A filter narrows the hits; the counts of its own facet still show the other choices.
    const filtered = await searchStore(site, 'strike', { filters: { party: ['tkp'], year: ['2025'] } });
    expect(filtered.hits.map((h) => h.record.title).sort()).toEqual(['Joint strike call', 'Strike in Istanbul']);
    expect(filtered.facets.party.map((f) => [f.value, f.count])).toEqual([
      ['tkp', 2],
      ['kke', 1],
    ]);
    // No words: every statement matching the filters, newest published first.
    const browse = await searchStore(site, '', { filters: { topic: ['strikes'] } });
    expect(browse.hits.map((h) => h.record.title)).toEqual(['Joint strike call', 'Strike in Istanbul', 'Strike in Athens']);
    expect(browse.facets.topic.map((f) => [f.value, f.count])).toEqual([
      ['strikes', 3],
      ['elections', 1],
      ['solidarity', 1],
    ]);
  });
});

describe('what a query reads', () => {
  /** The engine as the page runs it, recording the files it fetches; `drop` answers 404 once for a key. */
  function recording(drop?: RegExp) {
    const fetched: string[] = [];
    let dropped = false;
    const engine = new SearchEngine(async (key) => {
      fetched.push(key.replace(/^search\/v2\/[^/]+\//, ''));
      if (drop && !dropped && drop.test(key)) {
        dropped = true;
        return undefined;
      }
      const bytes = await site.get(key);
      return bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
    }, queryStemmerFor);
    const run = (q: string, filters: Partial<Filters> = {}) =>
      engine.search({ q, filters: { ...emptyFilters(), ...filters }, limit: 10, prefix: false });
    return { fetched, run };
  }

  it('reads the manifest, the base header and one terms file of each segment for a one-word query', async () => {
    await publish(...Array.from({ length: compactAt(0) + 1 }, (_, i) => doc({ title: `Base statement ${i} on wages` })));
    await publish(doc({ title: 'Delta statement on wages' }));
    const { fetched, run } = recording();
    const r = await run('wages');
    expect(r.total).toBe(compactAt(0) + 2);
    expect(r.facets.year).toEqual([{ value: '2026', label: '2026', count: compactAt(0) + 2 }]);
    expect(fetched.filter((k) => k.endsWith('manifest.json'))).toHaveLength(1);
    expect(
      fetched
        .filter((k) => !k.endsWith('manifest.json'))
        .map((k) => k.replace(/\d+/, 'N'))
        .sort(),
    ).toEqual(['h.json', 'tN.json', 'tN.json']);
  });

  it('counts every statement for the page with no query from the headers, less what the delta replaced', async () => {
    const docs = Array.from({ length: compactAt(0) + 1 }, (_, i) =>
      doc({ title: `Statement ${i}`, topics: i === 0 ? ['peace'] : ['housing'] }),
    );
    await publish(...docs);
    // The first statement changes topic in the delta: its old value leaves the counts.
    await publish({ ...(docs[0] as IndexDoc), version: 2, topics: ['housing'] });
    const { fetched, run } = recording();
    const r = await run('');
    expect(r.total).toBe(docs.length);
    expect(r.facets.topic).toEqual([{ value: 'housing', label: 'housing', count: docs.length }]);
    expect(fetched.some((k) => k === 'f.json')).toBe(false);
    expect(r.hits[0]?.record.id).toBe(docs[0]?.id);
  });

  it('runs a query again on the new manifest when a segment file it needs has gone meanwhile', async () => {
    await publish(doc({ title: 'Solidarity with the dockers' }));
    const { fetched, run } = recording(/\/t\d+\.json$/);
    expect((await run('dockers')).total).toBe(1);
    expect(fetched.filter((k) => k.endsWith('manifest.json'))).toHaveLength(2);
  });
});

describe('the index over time', () => {
  it('puts publishes into a small delta, merges it into the base when it grows, and finds everything throughout', async () => {
    const docs = Array.from({ length: compactAt(0) + 5 }, (_, i) => doc({ title: `Statement number${i} on peace` }));
    const actions: string[] = [];
    for (const d of docs) {
      actions.push((await publish(d)).action);
      expect(await searchIds(site, `number${docs.indexOf(d)}`)).toEqual([d.id]);
    }
    expect(actions.filter((a) => a === 'compacted')).toHaveLength(1);
    const m = await manifest();
    expect(m.format).toBe(FORMAT);
    expect(m.base?.docs).toBe(compactAt(0) + 1);
    expect(m.delta?.docs).toBe(4);
    expect((await searchIds(site, 'peace')).length).toBe(docs.length);
    // The same event again changes nothing.
    expect((await publish(docs[0] as IndexDoc)).action).toBe('unchanged');
  });

  it('replaces a statement’s entries with its new version, and takes a removed statement out', async () => {
    const a = doc({ title: 'Original wording' });
    const b = doc({ title: 'Second statement' });
    await publish(a, b);
    await compactIndex(site, locks, archive);
    await publish({ ...a, version: 2, title: 'Corrected wording' });
    expect(await searchIds(site, 'original')).toEqual([]);
    expect(await searchIds(site, 'corrected')).toEqual([a.id]);
    expect((await searchStore(site, '')).total).toBe(2);
    // Gone from the store (a retraction): gone from the index, base and delta.
    archive.docs.delete(b.id);
    await indexChanges(site, locks, [b.id], archive);
    expect(await searchIds(site, 'second')).toEqual([]);
    expect((await searchStore(site, '')).total).toBe(1);
    // An older version arriving late changes nothing.
    archive.docs.set(a.id, { ...a, version: 2, title: 'Corrected wording' });
    expect((await indexChanges(site, locks, [a.id], archive)).action).toBe('unchanged');
  });

  it('keeps what is published during a compaction: the switch to the new base carries it over in a delta', async () => {
    const old = Array.from({ length: 5 }, (_, i) => doc({ title: `Archive statement ${i} on housing` }));
    await publish(...old);
    // The walk reads the archive as it was when the compaction started; meanwhile a statement is published
    // and another is corrected.
    const { slow, release } = walkHeldBack();
    const compacting = compactIndex(site, locks, slow);
    const fresh = doc({ title: 'Published during the compaction' });
    await publish(fresh, { ...(old[0] as IndexDoc), version: 2, title: 'Corrected during the compaction' });
    release();
    expect((await compacting).action).toBe('compacted');
    const m = await manifest();
    expect(m.base?.docs).toBe(5);
    // The two changed during the walk, in a delta over the new base (its first version replaced there).
    expect(m.delta?.docs).toBe(2);
    expect(m.superseded).toHaveLength(1);
    expect(await searchIds(site, 'compaction')).toHaveLength(2);
    expect(await searchIds(site, 'housing')).toHaveLength(4);
    expect((await searchStore(site, '')).total).toBe(6);
  });

  it('removes retired segments minutes after they were retired, never the ones in use', async () => {
    await publish(doc({ title: 'One' }));
    const first = (await manifest()).delta?.id as string;
    await publish(doc({ title: 'Two' }));
    expect((await site.list(`${ROOT}/${first}/`)).length).toBeGreaterThan(0);
    // Minutes later (the retirement is backdated), the next write removes the first delta's files.
    const m = await manifest();
    const current = await site.read(MANIFEST_KEY);
    await site.put(
      MANIFEST_KEY,
      JSON.stringify({ ...m, retired: m.retired.map((r) => ({ ...r, at: '2000-01-01T00:00:00Z' })) }),
      'application/json',
      {
        ifMatch: current?.etag as string,
      },
    );
    await publish(doc({ title: 'Three' }));
    expect(await site.list(`${ROOT}/${first}/`)).toEqual([]);
    const live = await manifest();
    expect((await site.list(`${ROOT}/${live.delta?.id}/`)).length).toBeGreaterThan(0);
    expect((await searchStore(site, '')).total).toBe(3);
  });

  it('lists at most twenty retired segments a minute after retirement, so the manifest every reader fetches stays small', async () => {
    const deltas: string[] = [];
    for (let i = 0; i < 24; i++) {
      await publish(doc({ title: `Burst ${i}` }));
      deltas.push((await manifest()).delta?.id as string);
    }
    // Within the minute nothing goes, however many: a reader may still be on any of them.
    expect((await manifest()).retired.length).toBeGreaterThan(20);
    expect((await site.list(`${ROOT}/${deltas[0]}/`)).length).toBeGreaterThan(0);
    // A minute and a half later, the next write keeps the newest twenty and removes the rest.
    const m = await manifest();
    const current = await site.read(MANIFEST_KEY);
    const earlier = (r: { id: string; at: string }) => ({ ...r, at: new Date(Date.parse(r.at) - 90_000).toISOString() });
    await site.put(MANIFEST_KEY, JSON.stringify({ ...m, retired: m.retired.map(earlier) }), 'application/json', {
      ifMatch: current?.etag as string,
    });
    await publish(doc({ title: 'One more' }));
    const after = await manifest();
    expect(after.retired).toHaveLength(20);
    expect(await site.list(`${ROOT}/${deltas[0]}/`)).toEqual([]);
    expect((await site.list(`${ROOT}/${deltas[22]}/`)).length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(after))).toBeLessThan(12_000);
  });

  it('never scores below zero: a word in every statement, one of them replaced, still finds them all', async () => {
    const all = Array.from({ length: compactAt(0) + 1 }, (_, i) => doc({ title: `Everywhere ${i}` }));
    await publish(...all);
    await publish({ ...(all[0] as IndexDoc), version: 2, title: 'Everywhere again' });
    expect((await searchStore(site, 'everywhere')).total).toBe(all.length);
  });

  it('says what to do when the delta it must rebuild has lost a file', async () => {
    await publish(doc({ title: 'First' }));
    const m = await manifest();
    await site.delete([idsKey(m.delta?.id as string, 0)]);
    await expect(publish(doc({ title: 'Second' }))).rejects.toThrow(/run `rebuild`/);
  });

  it('lets the later of two overlapping compactions win, and loses nothing published meanwhile', async () => {
    await publish(...Array.from({ length: 3 }, (_, i) => doc({ title: `Old statement ${i} on pensions` })));
    const { slow, release } = walkHeldBack();
    const first = compactIndex(site, locks, slow);
    const late = doc({ title: 'Published between the two compactions on pensions' });
    await publish(late);
    expect((await compactIndex(site, locks, archive)).action).toBe('compacted');
    release();
    expect((await first).action).toBe('unchanged');
    expect((await manifest()).base?.docs).toBe(4);
    expect(await searchIds(site, 'pensions')).toHaveLength(4);
    // The stood-down compaction's files are gone; only the live base is left.
    const m = await manifest();
    const known = [m.base?.id, m.delta?.id, ...m.retired.map((r) => r.id)];
    const segments = new Set((await site.list(`${ROOT}/`)).filter((k) => !k.endsWith('manifest.json')).map((k) => k.split('/')[2]));
    expect([...segments].filter((id) => !known.includes(id))).toEqual([]);
  });

  it('refuses to mix index formats: a reader of another version is told to reload', async () => {
    await publish(doc({ title: 'Statement' }));
    const m = await manifest();
    const current = await site.read(MANIFEST_KEY);
    await site.put(MANIFEST_KEY, JSON.stringify({ ...m, format: FORMAT + 1 }), 'application/json', { ifMatch: current?.etag as string });
    await expect(searchStore(site, 'statement')).rejects.toThrow(/reload the page/);
  });
});
