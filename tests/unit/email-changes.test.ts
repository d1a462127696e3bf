// Email and a statement's later versions: a correction is mailed again only when the office asks, a
// retraction stops a mailing, and a translation reaches the readers of its language in their language.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatementEvent } from '../../shared/domain/events.js';
import type { Statement } from '../../shared/domain/statement.js';
import { newSubscriber, type Subscriber } from '../../shared/domain/subscriber.js';
import { correctStatement, retractStatement } from '../../shared/services/corrections.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { mailEvent } from '../helpers/mail.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let readers: Record<string, Subscriber>;
const long = new Date('2020-01-01T00:00:00Z');

const eventOf = (s: Statement, type: StatementEvent['type']): StatementEvent => ({
  type,
  statementId: s.id,
  version: s.version,
  party: s.party,
  occurredAt: new Date().toISOString(),
});

beforeEach(async () => {
  p = await aLocalPlatform();
  readers = {
    all: newSubscriber({ email: 'all@example.org' }, long),
    greek: newSubscriber({ email: 'greek@example.org', languages: ['el'] }, long),
    english: newSubscriber({ email: 'english@example.org', languages: ['en'] }, long),
    turkish: newSubscriber({ email: 'turkish@example.org', languages: ['tr'], parties: ['kke'] }, long),
  };
  for (const r of Object.values(readers)) await p.subscribers.put(r);
});
afterEach(() => p.cleanup());

const mails = async () => {
  const files = fs.existsSync(p.outboxDir) ? fs.readdirSync(p.outboxDir).filter((f) => f.endsWith('.eml')) : [];
  return Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(p.outboxDir, f)))));
};
const subjectsTo = async (email: string) =>
  (await mails())
    .filter((m) => (m.to as { text: string }).text === email)
    .map((m) => m.subject)
    .sort();

async function greekStatement(): Promise<Statement> {
  const { statement } = await submitStatement(p, 'kke', aStatementInput({ language: 'el', title: 'Απεργία', body: 'Κείμενο.' }));
  await mailEvent(p, eventOf(statement, 'statement.published'));
  return statement;
}

const correction = (s: Statement, notifySubscribers: boolean) => ({
  title: `${s.title} (διορθωμένο)`,
  body: s.bodyMarkdown,
  topics: s.topics,
  correctionNote: 'Corrected the date',
  notifySubscribers,
});

describe('a correction', () => {
  it('is not mailed unless the office asks', async () => {
    const s = await greekStatement();
    const corrected = await correctStatement(p, 'kke', s.id, correction(s, false), '"1"');
    const { outcome, sent } = await mailEvent(p, eventOf(corrected, 'statement.corrected'));
    expect(outcome).toBe('not mailed');
    expect(sent).toEqual([]);
  });

  it('is mailed once more, marked as corrected, to the same readers when the office asks', async () => {
    const s = await greekStatement();
    const corrected = await correctStatement(p, 'kke', s.id, correction(s, true), '"1"');
    const first = await mailEvent(p, eventOf(corrected, 'statement.corrected'));
    expect(first.sent.sort()).toEqual([readers.all?.id, readers.greek?.id].sort());
    expect(await subjectsTo('greek@example.org')).toEqual(['Corrected: Απεργία (διορθωμένο)', 'Απεργία']);
    const text = (await mails()).find((m) => m.subject?.startsWith('Corrected'))?.text ?? '';
    expect(text).toMatch(/Corrected on \d{4}-\d\d-\d\d: Corrected the date/);
    // Redelivered: nobody gets it twice.
    expect((await mailEvent(p, eventOf(corrected, 'statement.corrected'))).sent).toEqual([]);
  });
});

describe('a retraction', () => {
  it('is not mailed, and a mailing still under way sends the withdrawn statement to nobody more', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ language: 'el' }));
    const retracted = await retractStatement(p, 'kke', statement.id, { reason: 'In error' });
    expect((await mailEvent(p, eventOf(retracted, 'statement.retracted'))).sent).toEqual([]);
    expect((await mailEvent(p, eventOf(statement, 'statement.published'))).sent).toEqual([]);
  });
});

describe('a translation', () => {
  it('reaches the readers of its language who had nothing before, in their language, and nobody twice', async () => {
    const s = await greekStatement();
    expect((await mails()).length).toBe(2); // all and greek
    const { statement: english } = await submitStatement(
      p,
      'kke',
      aStatementInput({ language: 'en', title: 'Strike', body: 'Text.', translationOf: s.id }),
    );
    // The translation's own publication is its original's news, not a second statement.
    expect((await mailEvent(p, eventOf(english, 'statement.published'))).outcome).toBe('not mailed');
    const linked = (await readStatement(p, s.id)) as Statement;
    const { sent } = await mailEvent(p, eventOf(linked, 'statement.translated'));
    expect(sent).toEqual([readers.english?.id]);
    expect(await subjectsTo('english@example.org')).toEqual(['Strike']);
    expect(await subjectsTo('greek@example.org')).toEqual(['Απεργία']);
    expect(await subjectsTo('all@example.org')).toEqual(['Απεργία']);
  });

  it('mails a reader of the original’s party the version in a language they chose when there is one', async () => {
    const { statement } = await submitStatement(p, 'kke', aStatementInput({ language: 'el', title: 'Απεργία', body: 'Κείμενο.' }));
    await submitStatement(p, 'kke', aStatementInput({ language: 'tr', title: 'Grev', body: 'Metin.', translationOf: statement.id }));
    const linked = (await readStatement(p, statement.id)) as Statement;
    // The publication's mailing runs after the translation was listed: each reader gets their language.
    await mailEvent(p, eventOf(linked, 'statement.published'));
    expect(await subjectsTo('turkish@example.org')).toEqual(['Grev']);
    expect(await subjectsTo('greek@example.org')).toEqual(['Απεργία']);
  });
});
