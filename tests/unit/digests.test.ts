// Digests: each digest reader gets one email per period with the statements of that period that match
// their choices; nothing twice, nothing missed when the scheduler looks late (after a restart).
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { choicesOf, newSubscriber, type Subscriber, withChoices } from '../../shared/domain/subscriber.js';
import { DIGEST_GRACE_MS, startDueDigests } from '../../shared/email/digests.js';
import type { Clock } from '../../shared/ports.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { drainLocalEmailJobs } from '../helpers/mail.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let now: Date;
const clock: Clock = { now: () => now };
let readers: Record<string, Subscriber>;

// Monday 30 November 2026: the day of Sunday the 29th and the week of the 23rd have just ended.
const MONDAY = Date.parse('2026-11-30T00:00:00Z');
const at = (iso: string) => {
  now = new Date(iso);
};

beforeEach(async () => {
  now = new Date('2026-11-01T00:00:00Z');
  p = await aLocalPlatform({ clock });
  readers = {
    daily: newSubscriber({ email: 'daily@example.org', frequency: 'daily' }, now),
    dailyKke: newSubscriber({ email: 'daily-kke@example.org', frequency: 'daily', parties: ['kke'] }, now),
    dailyTurkish: newSubscriber({ email: 'daily-tr@example.org', frequency: 'daily', languages: ['tr'] }, now),
    weekly: newSubscriber({ email: 'weekly@example.org', frequency: 'weekly' }, now),
    immediate: newSubscriber({ email: 'now@example.org' }, now),
    unconfirmed: newSubscriber({ email: 'pending@example.org', frequency: 'daily' }, now, false),
  };
  await p.subscribers.putMany(Object.values(readers));
  at('2026-11-27T12:00:00Z');
  await submitStatement(p, 'kke', aStatementInput({ title: 'Friday, of KKE' }));
  at('2026-11-29T08:00:00Z');
  await submitStatement(p, 'kke', aStatementInput({ title: 'Sunday morning, of KKE' }));
  at('2026-11-29T18:00:00Z');
  await submitStatement(p, 'tkp', aStatementInput({ title: 'Sunday evening, of TKP', language: 'tr' }));
  at('2026-11-30T00:00:00.001Z');
  await submitStatement(p, 'kke', aStatementInput({ title: 'Monday, just after midnight' }));
});
afterEach(() => p.cleanup());

async function inbox() {
  const dir = p.outboxDir;
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
  const mails = await Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(dir, f)))));
  return mails.map((m) => ({ to: (m.to as { text: string }).text, subject: m.subject ?? '', text: m.text ?? '', html: m.html || '' }));
}
const titlesIn = (text: string) => (text.match(/^(Friday|Sunday|Monday)[^\n]*/gm) ?? []).sort();

describe('digests', () => {
  it('send each digest reader the statements of the period that match their choices, once per period', async () => {
    at(new Date(MONDAY + 15 * 60_000).toISOString());
    await startDueDigests(p);
    const { failed } = await drainLocalEmailJobs(p);
    expect(failed).toEqual([]);
    const mails = await inbox();
    const of = (address: string) => mails.filter((m) => m.to === address);
    // The daily readers: one email for Sunday, one for Friday (still within the days looked back on).
    expect(
      of('daily@example.org')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Statements of 27 November 2026', 'Statements of 29 November 2026']);
    const sunday = of('daily@example.org').find((m) => m.subject.endsWith('29 November 2026'));
    expect(titlesIn(sunday?.text ?? '')).toEqual(['Sunday evening, of TKP', 'Sunday morning, of KKE']);
    expect(titlesIn(of('daily-kke@example.org').find((m) => m.subject.endsWith('29 November 2026'))?.text ?? '')).toEqual([
      'Sunday morning, of KKE',
    ]);
    expect(of('daily-tr@example.org').map((m) => m.subject)).toEqual(['Statements of 29 November 2026']);
    // The weekly reader: the week of Monday the 23rd, which ended at midnight.
    const week = of('weekly@example.org');
    expect(week.map((m) => m.subject)).toEqual(['Statements of the week of 23 November 2026']);
    expect(titlesIn(week[0]?.text ?? '')).toEqual(['Friday, of KKE', 'Sunday evening, of TKP', 'Sunday morning, of KKE']);
    // Each statement in the reader's own language and direction, and the reader's own links.
    expect(week[0]?.html).toContain('<div lang="tr" dir="ltr">');
    expect(week[0]?.text).toMatch(/Change what you receive: http:\/\/localhost:3000\/v1\/subscriptions\/preferences\?token=/);
    expect(of('now@example.org')).toEqual([]);
    expect(of('pending@example.org')).toEqual([]);
  });

  it('waits a few minutes past a period before mailing it, for statements stored in its last moments', async () => {
    at(new Date(MONDAY + 60_000).toISOString());
    expect((await startDueDigests(p)).filter((id) => id.includes('2026-11-29'))).toEqual([]);
    at(new Date(MONDAY + DIGEST_GRACE_MS).toISOString());
    expect(await startDueDigests(p)).toContain('digest:daily:2026-11-29T00:00:00.000Z');
  });

  it('sends nothing twice when the scheduler looks again, and catches up on periods missed while down', async () => {
    at(new Date(MONDAY + 11 * 60_000).toISOString());
    await startDueDigests(p);
    await drainLocalEmailJobs(p);
    const first = (await inbox()).length;
    // A minute later, and after a restart: the same periods, all done.
    at(new Date(MONDAY + 12 * 60_000).toISOString());
    expect(await startDueDigests(p)).toEqual([]);
    await drainLocalEmailJobs(p);
    expect(await inbox()).toHaveLength(first);
    // Down from Monday until Wednesday morning: Monday's and Tuesday's digests go out then.
    at('2026-12-02T06:00:00Z');
    await startDueDigests(p);
    await drainLocalEmailJobs(p);
    const monday = (await inbox()).filter((m) => m.subject === 'Statements of 30 November 2026');
    expect(monday.map((m) => m.to).sort()).toEqual(['daily-kke@example.org', 'daily@example.org']);
    expect(titlesIn(monday[0]?.text ?? '')).toEqual(['Monday, just after midnight']);
  });

  it('leaves out what was mailed before a reader switched to the digest', async () => {
    const switched = withChoices(
      readers.immediate as Subscriber,
      { ...choicesOf(readers.immediate as Subscriber), frequency: 'daily' },
      new Date('2026-11-29T12:00:00Z'),
    );
    await p.subscribers.put({ ...switched, revision: 1 });
    at(new Date(MONDAY + 11 * 60_000).toISOString());
    await startDueDigests(p);
    await drainLocalEmailJobs(p);
    const mine = (await inbox()).filter((m) => m.to === 'now@example.org');
    expect(mine.map((m) => m.subject)).toEqual(['Statements of 29 November 2026']);
    expect(titlesIn(mine[0]?.text ?? '')).toEqual(['Sunday evening, of TKP']);
  });

  it('leaves out what was stored before the reader confirmed', async () => {
    await p.subscribers.put({ ...readers.daily, revision: 1, confirmedAt: '2026-11-29T12:00:00.000Z' } as Subscriber);
    at(new Date(MONDAY + 11 * 60_000).toISOString());
    await startDueDigests(p);
    await drainLocalEmailJobs(p);
    const mine = (await inbox()).filter((m) => m.to === 'daily@example.org');
    expect(mine.map((m) => m.subject)).toEqual(['Statements of 29 November 2026']);
    expect(titlesIn(mine[0]?.text ?? '')).toEqual(['Sunday evening, of TKP']);
  });
});
