// The way back from lost events, on both adapter sets: statements listed in the order they were stored,
// each knowing whether its event was relayed, and republishing that re-emits exactly the stored events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerHandlers } from '../../shared/consumers/handlers.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import type { Statement } from '../../shared/domain/statement.js';
import type { Platform } from '../../shared/platform.js';
import type { EventPublisher } from '../../shared/ports.js';
import { searchStore } from '../../shared/search/store-search.js';
import { republishStatements } from '../../shared/services/republish.js';
import { signStatement, submitStatement } from '../../shared/services/statements.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aStatementInput } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

class RecordingPublisher implements EventPublisher {
  readonly events: StatementEvent[] = [];
  async publish(event: StatementEvent) {
    this.events.push(event);
  }
}

describe.each(adapters.sets)('republishing on $name', ({ make }) => {
  let p: Platform;
  const stored: Statement[] = [];
  let midway: string;

  beforeAll(async () => {
    p = await make();
    for (let i = 0; i < 7; i++) {
      // Stored one after another, but published (dated) in the reverse order: an imported archive.
      const input = aStatementInput({ publishedAt: new Date(Date.UTC(2020, 0, 10 - i)).toISOString() });
      stored.push((await submitStatement(p, i % 2 ? 'kke' : 'tkp', input)).statement);
      if (i === 3) midway = stored[3]?.createdAt as string;
      await new Promise((r) => setTimeout(r, 3));
    }
  });

  it('lists statements stored since a time, in the order they were stored, page by page', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await p.statements.listStoredSince({ since: midway, limit: 2, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((r) => r.summary.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(stored.slice(3).map((s) => s.id));
  });

  it('re-emits exactly the events the statements were stored with', async () => {
    const publisher = new RecordingPublisher();
    const report = await republishStatements(p.statements, publisher, { since: stored[0]?.createdAt as string, pageSize: 3 });
    expect(report.republished).toBe(7);
    expect(publisher.events).toEqual(
      stored.map((s) => ({ type: 'statement.published', statementId: s.id, version: 1, party: s.party, occurredAt: s.createdAt })),
    );
  });

  it('knows which statements were relayed, and republishes only the others when asked', async () => {
    for (const s of stored.slice(0, 5)) await p.statements.markRelayed(s.id, 1, new Date().toISOString());
    const publisher = new RecordingPublisher();
    const report = await republishStatements(p.statements, publisher, { since: '2000-01-01T00:00:00.000Z', onlyUnrelayed: true });
    expect(report).toEqual({ seen: 7, unrelayed: 2, republished: 2 });
    expect(publisher.events.map((e) => e.statementId)).toEqual(stored.slice(5).map((s) => s.id));
  });

  it('keeps a signature’s event unrelayed when only the first version’s event was relayed', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    await signStatement(p, 'tkp', statement.id);
    const relayedOf = async () =>
      (await p.statements.listStoredSince({ since: statement.createdAt, limit: 10 })).items.find((r) => r.summary.id === statement.id);
    expect((await relayedOf())?.event).toMatchObject({ type: 'statement.signed', version: 2 });
    // The relay passes the first version's event on after the signature was stored.
    await p.statements.markRelayed(statement.id, 1, new Date().toISOString());
    expect((await relayedOf())?.relayedAt).toBeUndefined();
    await p.statements.markRelayed(statement.id, 2, new Date().toISOString());
    expect((await relayedOf())?.relayedAt).toBeDefined();
  });

  it('publishes what an outage left behind: republished events render and index as the first ones would have', async () => {
    const lost = stored[6] as Statement;
    expect(await p.site.get(`statements/${lost.id}/index.html`)).toBeUndefined();
    const publisher = new RecordingPublisher();
    await republishStatements(p.statements, publisher, { since: lost.createdAt, onlyUnrelayed: true });
    const handlers = consumerHandlers(p);
    // Twice: a republish of what was handled already changes nothing.
    for (const event of [...publisher.events, ...publisher.events]) {
      await handlers['render-pages'](event);
      await handlers['index-search'](event);
    }
    expect(Buffer.from((await p.site.get(`statements/${lost.id}/index.html`)) ?? []).toString()).toContain(lost.title);
    expect((await searchStore(p.site, '', {})).hits.map((h) => h.record.id)).toContain(lost.id);
  });
});
