// Each consumer run on a batch of records at once, as Lambda runs them (in parallel, with redeliveries),
// on both adapter sets: nothing is lost, nothing is done twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEmailJob } from '../../shared/consumers/email-jobs.js';
import { indexSearch } from '../../shared/consumers/index-search.js';
import { renderPages } from '../../shared/consumers/render-pages.js';
import { sendEmails } from '../../shared/consumers/send-emails.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import type { Statement } from '../../shared/domain/statement.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import type { Platform } from '../../shared/platform.js';
import type { Mailer, OutgoingEmail } from '../../shared/ports.js';
import { searchIds } from '../../shared/search/store-search.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { signStatement, submitStatement } from '../../shared/services/statements.js';
import { parseContents } from '../../shared/site/page-contents.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aStatementInput, DEMO_PARTIES, publishedEvent, siteText } from '../helpers/factories.js';
import { withMemoryJobs } from '../helpers/mail.js';

const BATCH = 12;

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

/** Records every message; like SES, it delivers whatever it is given. */
class RecordingMailer implements Mailer {
  readonly deliversIdempotently = false;
  readonly sent: OutgoingEmail[] = [];
  async send(message: OutgoingEmail) {
    this.sent.push(message);
  }
}

const text = (p: Platform, key: string) => siteText(p.site, key);

/** A batch as Lambda may deliver it: every record, three of them twice, in no particular order. */
function batchOf(statements: Statement[]): StatementEvent[] {
  const events = statements.map(publishedEvent);
  return [...events, ...events.slice(0, 3)].reverse();
}

describe.each(adapters.sets)('a batch of $name records, all at once', ({ make }) => {
  let p: Platform;
  let statements: Statement[];
  const parties = DEMO_PARTIES.map((x) => x.id);

  beforeAll(async () => {
    p = await make();
    statements = [];
    for (let i = 0; i < BATCH; i++) {
      const party = parties[i % parties.length] as string;
      const input = aStatementInput({
        // Shared words put every statement in the same terms files; the odd words are object-prototype names.
        title: `General strike ${i} constructor __proto__ hasOwnProperty toString`,
        body: `The strike committee ${i} calls word${i} for solidarity.`,
        publishedAt: new Date(Date.UTC(2026, 10, 1, 12, i)).toISOString(),
      });
      statements.push((await submitStatement(p, party, input)).statement);
    }
  });

  it('index-search keeps every statement under every one of its words', async () => {
    await Promise.all(batchOf(statements).map((e) => indexSearch(p, e)));
    const all = statements.map((s) => s.id).sort();
    let checked = 0;
    for (const word of [
      'general',
      'strike',
      'committee',
      'calls',
      'solidarity',
      'constructor',
      '__proto__',
      'hasOwnProperty',
      'toString',
    ]) {
      expect((await searchIds(p.site, word)).sort(), word).toEqual(all);
      checked += all.length;
    }
    for (const [i, s] of statements.entries()) {
      expect(await searchIds(p.site, `word${i}`), `word${i}`).toEqual([s.id]);
      checked++;
    }
    expect(checked).toBeGreaterThan(BATCH * 9);
  });

  it('render-pages lists every statement on the home page and on each party page', async () => {
    await Promise.all(batchOf(statements).map((e) => renderPages(p, e)));
    // Stamps name each statement by its number in the listing: "0000000003#<id>".
    const ids = (html: string) => (parseContents(html)?.entries ?? []).map((e) => e.key.split('#')[1]).sort();
    expect(ids(await text(p, 'index.html'))).toEqual(statements.map((s) => s.id).sort());
    expect(ids(await text(p, 'page/1/index.html'))).toEqual(statements.map((s) => s.id).sort());
    for (const party of parties) {
      const own = statements.filter((s) => s.party === party).map((s) => s.id);
      expect(ids(await text(p, `parties/${party}/index.html`)), party).toEqual(own.sort());
      expect(ids(await text(p, `parties/${party}/page/1/index.html`)), party).toEqual(own.sort());
    }
    for (const s of statements) expect(await text(p, `statements/${s.id}/index.html`)).toContain(`General strike`);
  });

  it('send-emails mails each subscriber each statement exactly once, with planners and senders all at once', async () => {
    const mailer = new RecordingMailer();
    const readers = Array.from({ length: 7 }, (_, i) => newSubscriber({ email: `r${i}@example.org` }, new Date('2026-01-01T00:00:00Z')));
    await p.subscribers.putMany(readers);
    const q = withMemoryJobs({ ...p, mailer, config: { ...p.config, recipientsPerJob: 3 } });
    // Every planner at once (redelivered records included), then every job twice at once: a redelivery
    // of each, racing its first delivery.
    await Promise.all(batchOf(statements).map((e) => sendEmails(q, e)));
    const jobs = q.jobs.jobs.splice(0);
    expect(jobs.every((j) => j.kind === 'send')).toBe(true);
    const outcomes = await Promise.allSettled([...jobs, ...jobs].map((job) => handleEmailJob(q, job)));
    // A job that met the other copy's live claims says so, and its retry finds them sent.
    for (const [i, o] of outcomes.entries()) if (o.status === 'rejected') await handleEmailJob(q, [...jobs, ...jobs][i]);
    const keys = mailer.sent.map((m) => m.messageKey).sort();
    const expected = statements.flatMap((s) => readers.map((r) => `${s.id}-1-${r.id}`)).sort();
    expect(keys).toEqual(expected);
  });
});

describe.each(adapters.sets)('cosigners signing at once on $name', ({ make }) => {
  it('keeps every signature, lists the statement for each signer, and only for signers', async () => {
    const p = await make();
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ cosigners: ['tkp', 'jcp', 'tudeh'] }));
    await Promise.all(['tkp', 'jcp'].map((party) => signStatement(p, party, statement.id)));
    const stored = await readStatement(p, statement.id);
    expect(stored?.version).toBe(3);
    expect(stored?.cosigners.sort()).toEqual(['jcp', 'tkp']);
    expect(stored?.invited).toEqual(['tudeh']);
    for (const party of ['kke', 'tkp', 'jcp']) {
      expect(
        (await p.statements.list({ party, limit: 5 })).items.map((s) => s.id),
        party,
      ).toEqual([statement.id]);
    }
    expect((await p.statements.list({ party: 'tudeh', limit: 5 })).items).toEqual([]);
  });
});
