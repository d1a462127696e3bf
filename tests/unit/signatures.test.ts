// Cosigners sign with their own keys: until a party signs, a statement is not on its page, in its listing
// or in its readers' mail; once it signs, all of those follow, and each reader is mailed once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexSearch } from '../../shared/consumers/index-search.js';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { Locks } from '../../shared/ports.js';
import { searchStore } from '../../shared/search/store-search.js';
import { signStatement, submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { mailEvent } from '../helpers/mail.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
beforeEach(async () => {
  p = await aLocalPlatform();
});
afterEach(() => p.cleanup());

const listedFor = async (party: string) => (await p.statements.list({ party, limit: 10 })).items.map((s) => s.id);
const eventsInOutbox = () =>
  (p.db.prepare('SELECT event FROM outbox ORDER BY seq').all() as Array<{ event: string }>).map(
    (r) => JSON.parse(r.event) as StatementEvent,
  );

describe('signStatement', () => {
  it('lists an invited cosigner only once it signs, with the time it signed, in a new version', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp', 'jcp'] }));
    expect(statement).toMatchObject({ cosigners: [], invited: ['tkp', 'jcp'], signatures: [] });
    expect(await listedFor('tkp')).toEqual([]);

    const { statement: signed, created } = await signStatement(p, 'tkp', statement.id);
    expect(created).toBe(true);
    expect(signed).toMatchObject({ version: 2, cosigners: ['tkp'], invited: ['jcp'] });
    expect(signed.signatures).toEqual([{ party: 'tkp', signedAt: expect.any(String) }]);
    expect(await listedFor('tkp')).toEqual([statement.id]);
    expect(await listedFor('jcp')).toEqual([]);
    expect(eventsInOutbox().map((e) => [e.type, e.version, e.party])).toEqual([
      ['statement.published', 1, 'kke'],
      ['statement.signed', 2, 'tkp'],
    ]);
  });

  it('refuses parties that were not invited, the author, and unknown statements; signing twice changes nothing', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    await expect(signStatement(p, 'tudeh', statement.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(signStatement(p, 'kke', statement.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(signStatement(p, 'tkp', 'no-such-statement')).rejects.toBeInstanceOf(NotFoundError);
    await signStatement(p, 'tkp', statement.id);
    const again = await signStatement(p, 'tkp', statement.id);
    expect(again).toMatchObject({ created: false, statement: { version: 2 } });
    expect(eventsInOutbox()).toHaveLength(2);
  });

  it('keeps both signatures when two parties sign at once', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp', 'jcp', 'tudeh'] }));
    await Promise.all(['tkp', 'jcp', 'tudeh'].map((party) => signStatement(p, party, statement.id)));
    const row = await p.statements.get(statement.id);
    expect(row?.version).toBe(4);
    expect(row?.cosigners.sort()).toEqual(['jcp', 'tkp', 'tudeh']);
  });

  it('shows each signature on the statement page and puts the statement on the signer’s page', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    const published = eventsInOutbox()[0] as StatementEvent;
    await renderPages(p, published);
    expect(Buffer.from((await p.site.get('parties/tkp/index.html')) ?? []).toString()).not.toContain(statement.id);
    await signStatement(p, 'tkp', statement.id);
    await renderPages(p, eventsInOutbox()[1] as StatementEvent);
    const page = Buffer.from((await p.site.get(`statements/${statement.id}/index.html`)) ?? []).toString();
    expect(page).toMatch(
      /Signed by <span class="parties"><a href="\/parties\/tkp\/">Communist Party of Turkey<\/a><\/span> on <time datetime=/,
    );
    expect(Buffer.from((await p.site.get('parties/tkp/index.html')) ?? []).toString()).toContain(statement.id);
  });

  it('indexes the signed version even when the first version’s record waited for the index meanwhile', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    const published = eventsInOutbox()[0] as StatementEvent;
    // Locks as a lease may hand them out: the first record to ask waits until the test opens the gate,
    // while a later one goes first.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let asked = 0;
    const locks: Locks = { withLock: async (_name, work) => (asked++ === 0 ? gate.then(work) : work()) };
    const first = indexSearch({ ...p, locks }, published);
    await new Promise((r) => setTimeout(r, 20));
    await signStatement(p, 'tkp', statement.id);
    await indexSearch({ ...p, locks }, eventsInOutbox()[1] as StatementEvent);
    open();
    await first;
    const found = await searchStore(p.site, '', { filters: { party: ['tkp'] } });
    expect(found.hits.map((h) => h.record)).toMatchObject([
      { id: statement.id, parties: ['Communist Party of Greece', 'Communist Party of Turkey'] },
    ]);
  });

  it('mails the signer’s readers once when it signs, and no reader twice', async () => {
    const readers = {
      everything: newSubscriber({ email: 'all@example.org', parties: [], languages: [] }, new Date('2026-01-01T00:00:00Z')),
      author: newSubscriber({ email: 'kke@example.org', parties: ['kke'], languages: [] }, new Date('2026-01-01T00:00:00Z')),
      signer: newSubscriber({ email: 'tkp@example.org', parties: ['tkp'], languages: [] }, new Date('2026-01-01T00:00:00Z')),
    };
    for (const r of Object.values(readers)) await p.subscribers.put(r);
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    const first = await mailEvent(p, eventsInOutbox()[0] as StatementEvent);
    expect(first.sent.sort()).toEqual([readers.everything.id, readers.author.id].sort());
    await signStatement(p, 'tkp', statement.id);
    const signed = eventsInOutbox()[1] as StatementEvent;
    expect((await mailEvent(p, signed)).sent).toEqual([readers.signer.id]);
    expect((await mailEvent(p, signed)).sent).toEqual([]);
  });

  it('does not mail readers of the author who subscribed after publication when a cosigner signs', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    await mailEvent(p, eventsInOutbox()[0] as StatementEvent);
    const late = newSubscriber({ email: 'late@example.org', parties: ['kke'], languages: [] }, new Date(Date.now() + 1000));
    await p.subscribers.put(late);
    await new Promise((r) => setTimeout(r, 1100));
    await signStatement(p, 'tkp', statement.id);
    expect((await mailEvent(p, eventsInOutbox()[1] as StatementEvent)).sent).toEqual([]);
  });
});

describe('a signature after the mail window', () => {
  it('mails nobody: the statement is past the window, whatever the signature’s time', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const late = await aLocalPlatform({ clock: { now: () => now } });
    const reader = newSubscriber({ email: 'tkp@example.org', parties: ['tkp'], languages: [] }, new Date('2025-01-01T00:00:00Z'));
    await late.subscribers.put(reader);
    const { statement } = await submitStatement(late, 'kke', aStatementInput({ cosigners: ['tkp'] }));
    now = new Date('2026-02-01T00:00:00Z');
    const { statement: signed } = await signStatement(late, 'tkp', statement.id);
    const event: StatementEvent = {
      type: 'statement.signed',
      statementId: signed.id,
      version: 2,
      party: 'tkp',
      occurredAt: now.toISOString(),
    };
    expect((await mailEvent(late, event)).sent).toEqual([]);
    late.cleanup();
  });
});
