// The search index and its query engine, on real files: ranking, stemming, scripts, acronyms, facets,
// prototype-named words, excerpts and highlighting, and what a query reads (tests/unit/search-index.test.ts:
// the index over time).
import { describe, expect, it } from 'vitest';
import { queryStemmerFor } from '../../shared/search/browser/query-stemmers.js';
import { emptyFilters, type Filters, SearchEngine } from '../../shared/search/engine.js';
import { highlight } from '../../shared/search/highlight.js';
import { compactAt } from '../../shared/search/indexer.js';
import type { IndexDoc } from '../../shared/search/segment-builder.js';
import { searchIds, searchStore } from '../../shared/search/store-search.js';
import { aSearchDoc, searchIndexFixture } from '../helpers/search-archive.js';

const f = searchIndexFixture('communique-search-');
const doc = aSearchDoc;

describe('ranking and matching', () => {
  it('ranks a title match above a mention in the body, and finds inflected forms through stems', async () => {
    const body = doc({
      title: 'On the budget',
      body: `The budget debate. ${'Words about other matters. '.repeat(5)}The strike was mentioned once.`,
    });
    const title = doc({ title: 'General strike on Thursday', body: 'Workers of every sector stop work.' });
    await f.publish(body, title);
    expect(await searchIds(f.site, 'strike')).toEqual([title.id, body.id]);
    // "strikes" and "striking" find "strike" (English stems).
    expect(await searchIds(f.site, 'strikes')).toEqual([title.id, body.id]);
    expect(await searchIds(f.site, 'striking')).toEqual([title.id, body.id]);
  });

  it('stems Greek, Spanish and Russian statements in their language, and finds them from other forms', async () => {
    const el = doc({ title: 'Απεργία στα λιμάνια', language: 'el' });
    const es = doc({ title: 'Huelga general', language: 'es' });
    const ru = doc({ title: 'Права рабочих', language: 'ru' });
    await f.publish(el, es, ru);
    expect(await searchIds(f.site, 'απεργίες')).toEqual([el.id]);
    expect(await searchIds(f.site, 'ΑΠΕΡΓΙΑ')).toEqual([el.id]);
    expect(await searchIds(f.site, 'huelgas')).toEqual([es.id]);
    expect(await searchIds(f.site, 'правах')).toEqual([ru.id]);
  });

  it('requires every word of the query, and scores a statement by all of them', async () => {
    const both = doc({ title: 'Housing and health', body: 'housing health' });
    const one = doc({ title: 'Housing crisis' });
    await f.publish(both, one);
    expect(await searchIds(f.site, 'housing health')).toEqual([both.id]);
    expect((await searchIds(f.site, 'housing')).sort()).toEqual([both.id, one.id].sort());
    expect(await searchIds(f.site, 'housing nothingofthekind')).toEqual([]);
  });

  it('matches "NATO" written as an acronym, not the Italian "nato" (born), in one index of every language', async () => {
    const nato = doc({ title: 'No to NATO expansion' });
    const natoIt = doc({ title: 'No alla NATO', language: 'it' });
    const born = doc({ title: 'È nato un movimento', language: 'it' });
    await f.publish(nato, natoIt, born);
    expect((await searchIds(f.site, 'NATO')).sort()).toEqual([nato.id, natoIt.id].sort());
    expect(await searchIds(f.site, 'movimento')).toEqual([born.id]);
  });

  it('finds Japanese and Chinese statements from a CJK query, and Korean ones from Hangul', async () => {
    const ja = doc({ title: '日本共産党は自由と人権を守る', language: 'ja' });
    const zh = doc({ title: '人人享有思想自由', language: 'zh' });
    const ko = doc({ title: '노동자들의 권리를 위하여', language: 'ko' });
    await f.publish(ja, zh, ko);
    expect((await searchIds(f.site, '自由')).sort()).toEqual([ja.id, zh.id].sort());
    expect(await searchIds(f.site, '人権')).toEqual([ja.id]);
    expect(await searchIds(f.site, '노동자')).toEqual([ko.id]);
  });

  it('finds Persian and Arabic statements whatever the vowel marks and letter forms of the query', async () => {
    const fa = doc({ title: 'آزادی برای کارگران', language: 'fa', rtl: true });
    const ar = doc({ title: 'حقوق العمال', body: 'إضراب عام', language: 'ar', rtl: true });
    await f.publish(fa, ar);
    expect(await searchIds(f.site, 'آزادی')).toEqual([fa.id]);
    expect(await searchIds(f.site, 'كارگران')).toEqual([fa.id]);
    expect(await searchIds(f.site, 'العمّال')).toEqual([ar.id]);
    expect(await searchIds(f.site, 'اضراب')).toEqual([ar.id]);
    const [hit] = (await searchStore(f.site, 'آزادی')).hits;
    expect(hit?.record).toMatchObject({ language: 'fa', rtl: 1 });
  });

  it('searches words named like object properties as any other word', async () => {
    const d = doc({ title: 'constructor __proto__ hasOwnProperty toString valueOf' });
    await f.publish(d, doc({ title: 'Another statement' }));
    for (const word of ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'])
      expect(await searchIds(f.site, word), word).toEqual([d.id]);
  });

  it('matches the last word as a beginning while the reader types', async () => {
    const d = doc({ title: 'International solidarity' });
    await f.publish(d);
    expect(await searchIds(f.site, 'solida')).toEqual([]);
    expect(await searchIds(f.site, 'solida', { prefix: true })).toEqual([d.id]);
    expect(await searchIds(f.site, 'international solid', { prefix: true })).toEqual([d.id]);
  });
});

describe('results', () => {
  it('gives each hit its record and an excerpt of the body around the word, and marks the words', async () => {
    const d = doc({
      title: 'Statement on the harbour',
      summary: 'The party comments.',
      body: `${'Opening words of the statement. '.repeat(8)}The dockers struck at dawn in Piraeus. ${'Closing words. '.repeat(8)}`,
    });
    await f.publish(d);
    const r = await searchStore(f.site, 'dockers');
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
    await f.publish(doc({ title: payload, summary: payload, body: payload }));
    const [hit] = (await searchStore(f.site, 'xsscheck')).hits;
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
    await f.publish(
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
    const r = await searchStore(f.site, 'strike');
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
    const filtered = await searchStore(f.site, 'strike', { filters: { party: ['tkp'], year: ['2025'] } });
    expect(filtered.hits.map((h) => h.record.title).sort()).toEqual(['Joint strike call', 'Strike in Istanbul']);
    expect(filtered.facets.party.map((f) => [f.value, f.count])).toEqual([
      ['tkp', 2],
      ['kke', 1],
    ]);
    // No words: every statement matching the filters, newest published first.
    const browse = await searchStore(f.site, '', { filters: { topic: ['strikes'] } });
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
      const bytes = await f.site.get(key);
      return bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
    }, queryStemmerFor);
    const run = (q: string, filters: Partial<Filters> = {}) =>
      engine.search({ q, filters: { ...emptyFilters(), ...filters }, limit: 10, prefix: false });
    return { fetched, run };
  }

  it('reads the manifest, the base header and one terms file of each segment for a one-word query', async () => {
    await f.publish(...Array.from({ length: compactAt(0) + 1 }, (_, i) => doc({ title: `Base statement ${i} on wages` })));
    await f.publish(doc({ title: 'Delta statement on wages' }));
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
    await f.publish(...docs);
    // The first statement changes topic in the delta: its old value leaves the counts.
    await f.publish({ ...(docs[0] as IndexDoc), version: 2, topics: ['housing'] });
    const { fetched, run } = recording();
    const r = await run('');
    expect(r.total).toBe(docs.length);
    expect(r.facets.topic).toEqual([{ value: 'housing', label: 'housing', count: docs.length }]);
    expect(fetched.some((k) => k === 'f.json')).toBe(false);
    expect(r.hits[0]?.record.id).toBe(docs[0]?.id);
  });

  it('runs a query again on the new manifest when a segment file it needs has gone meanwhile', async () => {
    await f.publish(doc({ title: 'Solidarity with the dockers' }));
    const { fetched, run } = recording(/\/t\d+\.json$/);
    expect((await run('dockers')).total).toBe(1);
    expect(fetched.filter((k) => k.endsWith('manifest.json'))).toHaveLength(2);
  });
});
