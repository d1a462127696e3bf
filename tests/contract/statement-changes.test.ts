// Corrections, retractions and translations on both adapter sets: what the pages, listings, feeds and the
// search index show once their events are handled (in parallel, some twice), and that a rebuild from the
// stored statements then writes the same files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { compactSearchIndex, indexSearch, indexSearchOf } from '../../shared/consumers/index-search.js';
import { renderPages, renderPagesOf } from '../../shared/consumers/render-pages.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { liveTranslations, type Statement } from '../../shared/domain/statement.js';
import type { Platform } from '../../shared/platform.js';
import type { ObjectStore } from '../../shared/ports.js';
import { MANIFEST_KEY, ROOT } from '../../shared/search/format.js';
import { searchIds } from '../../shared/search/store-search.js';
import { correctStatement, retractStatement } from '../../shared/services/corrections.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { rebuildSite } from '../../shared/services/rebuild.js';
import { submitStatement } from '../../shared/services/statements.js';
import { publishSiteShell } from '../../shared/site/shell.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aPressKey } from '../helpers/desk-agent.js';
import { aStatementInput, siteText } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

const eventOf = (s: Statement, type: StatementEvent['type']): StatementEvent => ({
  type,
  statementId: s.id,
  version: s.version,
  party: s.party,
  occurredAt: s.createdAt,
});

async function filesOf(store: ObjectStore): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const key of await store.list('')) files.set(key, Buffer.from((await store.get(key)) ?? []));
  return files;
}

const correction = (s: Statement, changes: Record<string, unknown>) => ({
  title: s.title,
  summary: s.summary,
  body: s.bodyMarkdown,
  topics: s.topics,
  ...changes,
});

describe.each(adapters.sets)('$name', ({ make, makeStore }) => {
  let p: Platform;
  const events: StatementEvent[] = [];
  /** Handles each event at once, pages and index, as the consumers do. */
  const handle = async (e: StatementEvent) => {
    events.push(e);
    await Promise.all([renderPages(p, e), indexSearch(p, e)]);
  };

  beforeAll(async () => {
    p = await make();
    await publishSiteShell(p.site, undefined, p.config.siteUrl);
  });

  describe('a correction', () => {
    let original: Statement;
    let corrected: Statement;
    beforeAll(async () => {
      ({ statement: original } = await submitStatement(
        p,
        'kke',
        aStatementInput({
          title: 'Rally on Friday the 12th',
          body: 'The rally is on Friday the 12th in Syntagma.',
          topics: ['rally', 'peace'],
        }),
      ));
      await handle(eventOf(original, 'statement.published'));
      corrected = await correctStatement(
        p,
        'kke',
        original.id,
        correction(original, {
          title: 'Rally on Saturday the 13th',
          body: 'The rally is on Saturday the 13th in Syntagma.',
          topics: ['peace'],
          correctionNote: 'Corrected the date of the rally',
        }),
        '"1"',
      );
      await handle(eventOf(corrected, 'statement.corrected'));
    });

    it('stores a new version and keeps the old one as the record', async () => {
      expect(corrected.version).toBe(2);
      expect((await readStatement(p, original.id))?.title).toBe('Rally on Saturday the 13th');
      expect(corrected.corrections).toEqual([
        expect.objectContaining({ version: 2, note: 'Corrected the date of the rally', notified: false }),
      ]);
      const v1 = JSON.parse(Buffer.from((await p.blobs.get(`statements/${original.id}/v1.json`)) ?? []).toString('utf8'));
      expect(v1.title).toBe('Rally on Friday the 12th');
    });

    it('refuses a change made from an older version (412), without If-Match (428), by another party (403)', async () => {
      const body = correction(corrected, { correctionNote: 'again' });
      await expect(correctStatement(p, 'kke', original.id, body, '"1"')).rejects.toMatchObject({ status: 412 });
      await expect(correctStatement(p, 'kke', original.id, body, undefined)).rejects.toMatchObject({ status: 428 });
      await expect(correctStatement(p, 'tkp', original.id, body, '"2"')).rejects.toMatchObject({ status: 403 });
      await expect(correctStatement(p, 'kke', original.id, { ...body, correctionNote: '' }, '"2"')).rejects.toMatchObject({ status: 422 });
      expect((await readStatement(p, original.id))?.version).toBe(2);
    });

    it('shows the current text with the correction line, and a history page with the diff', async () => {
      const page = await siteText(p.site, `statements/${original.id}/index.html`);
      expect(page).toContain('Saturday the 13th');
      expect(page).not.toContain('Friday the 12th');
      expect(page).toMatch(/Corrected on <time[^>]*>\d{4}-\d\d-\d\d<\/time>: <span dir="auto">Corrected the date of the rally<\/span>/);
      expect(page).toContain(`href="/statements/${original.id}/history/"`);
      const history = await siteText(p.site, `statements/${original.id}/history/index.html`);
      expect(history).toContain('Corrected the date of the rally');
      expect(history).toMatch(/<del>Friday<\/del>/);
      expect(history).toMatch(/<ins>Saturday<\/ins>/);
    });

    it('updates the listings and feeds, and takes the statement out of a topic it no longer has', async () => {
      expect(await siteText(p.site, 'index.html')).toContain('Rally on Saturday the 13th');
      expect(await siteText(p.site, 'feed.json')).toContain('Corrected on');
      expect(await siteText(p.site, 'topics/peace/index.html')).toContain('Rally on Saturday the 13th');
      expect(await siteText(p.site, 'topics/rally/index.html')).not.toContain('Rally on');
    });

    it('puts the corrected text in the search index', async () => {
      expect(await searchIds(p.site, 'saturday')).toContain(original.id);
      expect(await searchIds(p.site, 'friday')).not.toContain(original.id);
    });
  });

  describe('a retraction', () => {
    let statement: Statement;
    beforeAll(async () => {
      ({ statement } = await submitStatement(
        p,
        'tkp',
        aStatementInput({ title: 'Statement withdrawn later', language: 'tr', body: 'Yanlış metin burada.' }),
      ));
      await handle(eventOf(statement, 'statement.published'));
      const retracted = await retractStatement(p, 'tkp', statement.id, { reason: 'Published by mistake before approval' });
      await handle(eventOf(retracted, 'statement.retracted'));
    });

    it('keeps the page at its URL with the notice instead of the text', async () => {
      const page = await siteText(p.site, `statements/${statement.id}/index.html`);
      expect(page).toContain('Published by mistake before approval');
      expect(page).toContain('Retracted');
      expect(page).not.toContain('Yanlış metin burada');
    });

    it('leaves the listings, stays in the feeds as a retraction, and leaves search', async () => {
      expect(await siteText(p.site, 'index.html')).not.toContain('Statement withdrawn later');
      expect(await siteText(p.site, 'parties/tkp/index.html')).not.toContain('Statement withdrawn later');
      expect(await siteText(p.site, 'feed.json')).toContain('Retracted: Statement withdrawn later');
      expect(await searchIds(p.site, 'withdrawn')).not.toContain(statement.id);
    });

    it('is not changed or signed afterwards, and retracting again changes nothing', async () => {
      const again = await retractStatement(p, 'tkp', statement.id, { reason: 'twice' });
      expect(again.retraction?.reason).toBe('Published by mistake before approval');
      await expect(
        correctStatement(p, 'tkp', statement.id, correction(again, { correctionNote: 'x' }), `"${again.version}"`),
      ).rejects.toMatchObject({
        status: 409,
      });
    });
  });

  describe('translations', () => {
    let original: Statement;
    let english: Statement;
    let turkish: Statement;
    beforeAll(async () => {
      ({ statement: original } = await submitStatement(
        p,
        'kke',
        aStatementInput({ title: 'Για την απεργία', language: 'el', body: 'Κείμενο.' }),
      ));
      await handle(eventOf(original, 'statement.published'));
      ({ statement: english } = await submitStatement(
        p,
        'kke',
        aStatementInput({ title: 'On the strike', language: 'en', body: 'Text.', translationOf: original.id }),
      ));
      ({ statement: turkish } = await submitStatement(
        p,
        'kke',
        aStatementInput({ title: 'Grev üzerine', language: 'tr', body: 'Metin.', translationOf: english.id }),
      ));
      // The two translations' events and their original's, at once and twice.
      const linked = (await readStatement(p, original.id)) as Statement;
      const batch = [
        eventOf(english, 'statement.published'),
        eventOf(turkish, 'statement.published'),
        eventOf(linked, 'statement.translated'),
      ];
      events.push(...batch);
      await Promise.all([renderPagesOf(p, batch), ...batch.map((e) => renderPages(p, e)), indexSearchOf(p, batch)]);
    });

    it('lists every translation on the statement they translate, once per language', async () => {
      const linked = await readStatement(p, original.id);
      expect(linked?.translations?.map((t) => [t.id, t.language])).toEqual([
        [english.id, 'en'],
        [turkish.id, 'tr'],
      ]);
      expect(turkish.translationOf).toBe(original.id);
      await expect(submitStatement(p, 'kke', aStatementInput({ language: 'en', translationOf: original.id }))).rejects.toMatchObject({
        status: 409,
      });
      await expect(submitStatement(p, 'tkp', aStatementInput({ language: 'fa', translationOf: original.id }))).rejects.toMatchObject({
        status: 403,
      });
    });

    it('links every language version from every page with hreflang alternates and a switcher', async () => {
      for (const s of [original, english, turkish]) {
        const page = await siteText(p.site, `statements/${s.id}/index.html`);
        for (const [id, lang] of [
          [original.id, 'el'],
          [english.id, 'en'],
          [turkish.id, 'tr'],
        ]) {
          expect(page).toContain(`<link rel="alternate" hreflang="${lang}" href="http://localhost:3000/statements/${id}/"/>`);
        }
        expect(page).toMatch(/<nav class="languages"/);
      }
    });

    it('takes a retracted translation off its original’s languages, and takes a new one in that language', async () => {
      const retracted = await retractStatement(p, 'kke', turkish.id, { reason: 'A poor translation' });
      const unlinked = (await readStatement(p, original.id)) as Statement;
      expect(unlinked.translations?.map((t) => [t.language, t.retracted ?? false])).toEqual([
        ['en', false],
        ['tr', true],
      ]);
      await handle(eventOf(retracted, 'statement.retracted'));
      await handle(eventOf(unlinked, 'statement.translated'));
      expect(await siteText(p.site, `statements/${english.id}/index.html`)).not.toContain(`hreflang="tr"`);
      ({ statement: turkish } = await submitStatement(
        p,
        'kke',
        aStatementInput({ title: 'Grev üzerine', language: 'tr', body: 'Daha iyi metin.', translationOf: original.id }),
      ));
      const relinked = (await readStatement(p, original.id)) as Statement;
      expect(liveTranslations(relinked).map((t) => [t.id, t.language])).toEqual([
        [english.id, 'en'],
        [turkish.id, 'tr'],
      ]);
      await handle(eventOf(turkish, 'statement.published'));
      await handle(eventOf(relinked, 'statement.translated'));
      expect(await siteText(p.site, `statements/${english.id}/index.html`)).toContain(`/statements/${turkish.id}/`);
    });

    it('shows one entry per statement with its languages, and each translation under its language', async () => {
      const home = await siteText(p.site, 'index.html');
      expect(home).toContain('Για την απεργία');
      expect(home).not.toContain('On the strike');
      expect(home).toMatch(/Also in:/);
      expect(await siteText(p.site, 'languages/en/index.html')).toContain('On the strike');
      expect(await searchIds(p.site, 'grev')).toContain(turkish.id);
    });
  });

  describe('through the API', () => {
    it('corrects with If-Match, answers 412 to a stale one, retracts, and lists the versions', async () => {
      const { key } = await aPressKey(p, 'tudeh');
      const app = createApp(p);
      const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        app.request(path, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      const created = await send('POST', '/v1/statements', aStatementInput({ language: 'fa', title: 'بیانیه', body: 'متن نخست' }));
      const { id } = (await created.json()) as { id: string };
      const etag = (await send('GET', `/v1/statements/${id}`)).headers.get('etag') as string;
      const fix = { title: 'بیانیه', body: 'متن درست', topics: [], correctionNote: 'Corrected a word' };
      const corrected = await send('PUT', `/v1/statements/${id}`, fix, { 'if-match': etag });
      expect(corrected.status).toBe(200);
      expect(corrected.headers.get('etag')).toBe('"2"');
      expect((await send('PUT', `/v1/statements/${id}`, fix, { 'if-match': etag })).status).toBe(412);
      const versions = (await (await send('GET', `/v1/statements/${id}/versions`)).json()) as { versions: Array<{ note?: string }> };
      expect(versions.versions.map((v) => v.note)).toEqual([undefined, 'Corrected a word']);
      expect(((await (await send('GET', `/v1/statements/${id}/versions/1`)).json()) as { text: string }).text).toContain('متن نخست');
      const retracted = await send('POST', `/v1/statements/${id}/retraction`, { reason: 'Withdrawn' });
      expect(retracted.status).toBe(200);
      const read = (await (await send('GET', `/v1/statements/${id}`)).json()) as Record<string, unknown>;
      expect(read).toMatchObject({ retraction: { reason: 'Withdrawn' } });
      expect(read.bodyHtml).toBeUndefined();
      events.push(eventOf((await readStatement(p, id)) as Statement, 'statement.retracted'));
    });
  });

  it('converges: a rebuild from the stored statements writes the same files', async () => {
    // Redeliveries, all at once.
    await Promise.all(events.map((e) => Promise.all([renderPages(p, e), indexSearch(p, e)])));
    const rebuilt = await makeStore();
    await rebuildSite(p, { site: rebuilt, locks: p.locks });
    await compactSearchIndex(p);
    const [incremental, fresh] = await Promise.all([filesOf(p.site), filesOf(rebuilt)]);
    const live = (files: Map<string, Buffer>) => {
      const m = JSON.parse((files.get(MANIFEST_KEY) as Buffer).toString('utf8'));
      return [...files.keys()].filter((k) => !k.startsWith(`${ROOT}/`) || k.startsWith(`${ROOT}/${m.base?.id}/`));
    };
    expect(live(fresh)).toEqual(live(incremental));
    const differing = live(incremental).filter((key) => key !== MANIFEST_KEY && !fresh.get(key)?.equals(incremental.get(key) as Buffer));
    expect(differing).toEqual([]);
    expect([...fresh.keys()].filter((k) => k.endsWith('/history/index.html'))).toHaveLength(4);
  }, 120_000);
});
