// Mailing a statement: the planner's pages and send jobs, real MIME (parsed back with mailparser), choices,
// leases, throttling, and at most one message per reader.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';
import { SqliteSendLedger } from '../../shared/adapters/local/sqlite-email.js';
import { sendEmails } from '../../shared/consumers/send-emails.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { newSubscriber, type Subscriber } from '../../shared/domain/subscriber.js';
import { PLAN_PAGE_SIZE } from '../../shared/email/mailings.js';
import { SEND_LEASE_MS, sendJob } from '../../shared/email/send-job.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { drainEmailJobs, mailEvent, withMemoryJobs } from '../helpers/mail.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let event: StatementEvent;
let readers: Record<string, Subscriber>;

const long = new Date('2020-01-01T00:00:00Z');

beforeEach(async () => {
  p = await aLocalPlatform();
  readers = {
    all: newSubscriber({ email: 'all@example.org' }, long),
    kke: newSubscriber({ email: 'kke@example.org', parties: ['kke'] }, long),
    tkp: newSubscriber({ email: 'tkp@example.org', parties: ['tkp'] }, long),
    greek: newSubscriber({ email: 'greek@example.org', languages: ['el'] }, long),
    strikes: newSubscriber({ email: 'strikes@example.org', countries: ['GR'], topics: ['strikes'] }, long),
    ports: newSubscriber({ email: 'ports@example.org', countries: ['GR'], topics: ['ports'] }, long),
    daily: newSubscriber({ email: 'daily@example.org', frequency: 'daily' }, long),
    unconfirmed: newSubscriber({ email: 'unconfirmed@example.org' }, long, false),
  };
  for (const r of Object.values(readers)) await p.subscribers.put(r);
  const { statement } = await submitStatement(
    p,
    'kke',
    aStatementInput({
      language: 'el',
      title: 'Απεργία <b>τώρα</b>',
      body: 'Οι **εργάτες** ![photo](https://elsewhere.example/x.png)',
      topics: ['strikes'],
    }),
  );
  event = { type: 'statement.published', statementId: statement.id, version: 1, party: 'kke', occurredAt: statement.createdAt };
});
afterEach(() => p.cleanup());

const emlFiles = () => (fs.existsSync(p.outboxDir) ? fs.readdirSync(p.outboxDir).filter((f) => f.endsWith('.eml')) : []);
const mails = () => Promise.all(emlFiles().map((f) => simpleParser(fs.readFileSync(path.join(p.outboxDir, f)))));
const recipientsOf = async () => (await mails()).map((m) => (m.to as { text: string }).text).sort();

describe('mailing a statement', () => {
  it('mails every confirmed, immediate reader whose choices all match, and nobody else', async () => {
    const { outcome, sent } = await mailEvent(p, event);
    expect(outcome).toBe('done');
    expect(sent.sort()).toEqual([readers.all, readers.kke, readers.greek, readers.strikes].map((r) => r?.id).sort());
    expect(await recipientsOf()).toEqual(['all@example.org', 'greek@example.org', 'kke@example.org', 'strikes@example.org']);
  });

  it('writes real MIME: text and HTML, language, one-click unsubscribe, a preferences link, no remote images', async () => {
    await mailEvent(p, event);
    const mail = (await mails())[0];
    expect(mail?.subject).toBe('Απεργία <b>τώρα</b>');
    expect(mail?.text).toContain('Οι εργάτες');
    expect(mail?.html).toContain('<strong>εργάτες</strong>');
    expect(mail?.html).toContain('Απεργία &lt;b&gt;τώρα&lt;/b&gt;');
    expect(mail?.html).toContain('<html lang="el" dir="ltr">');
    expect(mail?.html).not.toMatch(/<img/);
    const header = (name: string) => mail?.headerLines.find((h) => h.key === name)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('content-language')).toBe('Content-Language: el');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toMatch(
      /^List-Unsubscribe: <http:\/\/localhost:3000\/v1\/unsubscribe\?token=[0-9a-z]{24}\.[0-9a-z]+>$/,
    );
    const preferences = /http:\/\/localhost:3000\/v1\/subscriptions\/preferences\?token=[0-9a-z]{24}\.[0-9a-z]+\.[\w-]{27}/;
    expect(mail?.html).toMatch(new RegExp(`href="${preferences.source}"`));
    expect(mail?.text).toMatch(new RegExp(`Change what you receive: ${preferences.source}`));
    // Each reader's own links.
    const all = await mails();
    expect(new Set(all.map((m) => m.text?.match(preferences)?.[0])).size).toBe(all.length);
  });

  it('links to unsubscribe from the message with the token in the fragment, never in a query string', async () => {
    await mailEvent(p, event);
    const mail = (await mails())[0];
    const link = /http:\/\/localhost:3000\/v1\/unsubscribe#[0-9a-z]{24}\.[0-9a-z]{20,64}/;
    expect(mail?.html).toMatch(new RegExp(`href="${link.source}"`));
    expect(mail?.text).toMatch(new RegExp(`Unsubscribe: ${link.source}`));
    expect(`${mail?.html}\n${mail?.text}`).not.toContain('unsubscribe?token=');
  });

  it('does not send a statement published before the address subscribed, however late its event arrives', async () => {
    const late = newSubscriber({ email: 'late@example.org' }, new Date(Date.parse(event.occurredAt) + 1));
    await p.subscribers.put(late);
    const { sent } = await mailEvent(p, event);
    expect(sent).toHaveLength(4);
    expect(sent).not.toContain(late.id);
  });

  it('sends nothing again when the event is redelivered, during or after the mailing', async () => {
    const q = withMemoryJobs(p);
    await sendEmails(q, event);
    const planned = q.jobs.jobs.length;
    expect(await sendEmails(q, event)).toBe('done');
    expect(q.jobs.jobs).toHaveLength(planned);
    await drainEmailJobs(q, q.jobs);
    const before = emlFiles().map((f) => fs.statSync(path.join(p.outboxDir, f)).mtimeMs);
    expect((await mailEvent(p, event)).sent).toEqual([]);
    expect(emlFiles().map((f) => fs.statSync(path.join(p.outboxDir, f)).mtimeMs)).toEqual(before);
  });

  it('walks the subscribers page by page, and a walk out of time continues from a plan job', async () => {
    const many = Array.from({ length: PLAN_PAGE_SIZE * 2 + 7 }, (_, i) => newSubscriber({ email: `r${i}@example.org` }, long));
    await p.subscribers.putMany(many);
    const q = withMemoryJobs(p);
    expect(await sendEmails(q, event, Date.now() - 1)).toBe('continues');
    expect(q.jobs.jobs.map((j) => j.kind)).toEqual(['plan']);
    const { sent, failed } = await drainEmailJobs(q, q.jobs);
    expect(failed).toEqual([]);
    expect(new Set(sent).size).toBe(many.length + 4);
    expect(sent).toHaveLength(many.length + 4);
    expect((await p.mailings.get(`${event.statementId}:published`))?.done).toBe(true);
  });

  it('leaves a mailing to the walker holding it, and takes it over once that walker stopped renewing its lease', async () => {
    const q = withMemoryJobs(p);
    // A walker starts the mailing and dies with its lease (a crash, a Lambda timeout).
    expect(await sendEmails(q, event, Date.now() - 1)).toBe('continues');
    q.jobs.jobs.splice(0);
    const id = `${event.statementId}:published`;
    expect(await p.mailings.acquire(id, 'dead-walker', Date.now() + 50)).toBeDefined();
    expect(await sendEmails(q, event)).toBe('busy');
    // No job now; one delayed past the lease, which finds the mailing free and walks it.
    expect(q.jobs.jobs).toEqual([]);
    expect(q.jobs.delayed.map((j) => j.kind)).toEqual(['plan']);
    await new Promise((r) => setTimeout(r, 60));
    q.jobs.jobs.push(...q.jobs.delayed.splice(0));
    const { sent } = await drainEmailJobs(q, q.jobs);
    expect(sent).toHaveLength(4);
    expect((await p.mailings.get(id))?.done).toBe(true);
  });

  it('finishes a send that died between claim and record, without a second copy', async () => {
    await p.ledger.claim(`${event.statementId}#1`, [readers.all?.id as string], SEND_LEASE_MS);
    const { sent } = await mailEvent(p, event);
    expect(sent).toHaveLength(4);
    expect(emlFiles()).toHaveLength(4);
  });

  it('stops a job at its deadline and hands what it did not send back to the queue as a new job', async () => {
    const q = withMemoryJobs(p);
    await sendEmails(q, event);
    // One job per bucket's page here: readers of everything, of the party, of the language, of the country.
    const jobs = q.jobs.jobs.splice(0);
    expect(jobs).toHaveLength(4);
    for (const job of jobs) {
      if (job.kind !== 'send') throw new Error('expected send jobs');
      expect(await sendJob(q, job, Date.now() - 1)).toMatchObject({ sent: [], requeued: job.recipients.length });
    }
    expect(emlFiles()).toHaveLength(0);
    expect(q.jobs.jobs.flatMap((j) => (j.kind === 'send' ? j.recipients : [])).sort()).toEqual(
      jobs.flatMap((j) => (j.kind === 'send' ? j.recipients : [])).sort(),
    );
    const { sent } = await drainEmailJobs(q, q.jobs);
    expect(sent).toHaveLength(4);
    for (const job of jobs) expect((await sendJob(q, job as never, Date.now() + 60_000)).sent).toEqual([]);
    expect(emlFiles()).toHaveLength(4);
  });

  describe('through SES', () => {
    const ses = (behaviour: { throttleFirst: number }) => {
      const sent: Array<{ input: { Content: { Raw: { Data: Uint8Array } }; ConfigurationSetName: string } }> = [];
      let calls = 0;
      return {
        sent,
        client: {
          send: async (command: unknown) => {
            if (calls++ < behaviour.throttleFirst)
              throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
            sent.push(command as (typeof sent)[number]);
            return {};
          },
        },
      };
    };

    it('retries a throttled send with backoff and delivers it once', async () => {
      const fake = ses({ throttleFirst: 2 });
      const { sent } = await mailEvent({ ...p, mailer: new SesMailer(fake.client as never, 'communique-dev', [1, 1, 1]) }, event);
      expect(sent).toHaveLength(4);
      expect(fake.sent).toHaveLength(4);
      const input = fake.sent[0]?.input;
      expect(input?.ConfigurationSetName).toBe('communique-dev');
      expect(Buffer.from(input?.Content.Raw.Data ?? []).toString('utf8')).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    });

    it('hands a job that stays throttled back to the queue, delayed, releasing its claims so that it sends later', async () => {
      const fake = ses({ throttleFirst: 1_000 });
      const withSes = withMemoryJobs({ ...p, mailer: new SesMailer(fake.client as never, undefined, [1]) });
      await sendEmails(withSes, event);
      const { failed } = await drainEmailJobs(withSes, withSes.jobs);
      expect(failed).toEqual([]);
      const delayed = withSes.jobs.delayed.splice(0);
      expect(delayed.flatMap((j) => (j.kind === 'send' ? j.recipients : [])).sort()).toEqual(
        [readers.all, readers.kke, readers.greek, readers.strikes].map((r) => r?.id).sort(),
      );
      const calm = ses({ throttleFirst: 0 });
      withSes.jobs.jobs.push(...delayed);
      const { sent } = await drainEmailJobs({ ...withSes, mailer: new SesMailer(calm.client as never) }, withSes.jobs);
      expect(sent).toHaveLength(4);
      expect(calm.sent).toHaveLength(4);
    });

    it('fails a job whose sender SES refuses, recording nobody as mailed', async () => {
      const refusing = {
        send: async () => {
          throw Object.assign(new Error('Email address is not verified: statements@example.org'), { name: 'MessageRejected' });
        },
      };
      const withSes = withMemoryJobs({ ...p, mailer: new SesMailer(refusing as never) });
      await sendEmails(withSes, event);
      const { failed } = await drainEmailJobs(withSes, withSes.jobs);
      expect(failed.length).toBeGreaterThan(0);
      // Once SES takes mail from the sender, the retries mail everyone.
      const calm = ses({ throttleFirst: 0 });
      for (const f of failed)
        await sendJob({ ...withSes, mailer: new SesMailer(calm.client as never) }, f.job as never, Date.now() + 60_000);
      expect(calm.sent).toHaveLength(4);
    });

    it('leaves a claim under a live lease alone, and takes it over from a job delayed past the lease', async () => {
      const fake = ses({ throttleFirst: 0 });
      let now = Date.now();
      const ledger = new SqliteSendLedger(p.db, () => now);
      const withSes = withMemoryJobs({ ...p, ledger, mailer: new SesMailer(fake.client as never) });
      await ledger.claim(`${event.statementId}#1`, [readers.kke?.id as string], SEND_LEASE_MS);
      await sendEmails(withSes, event);
      const job = withSes.jobs.jobs.find((j) => j.kind === 'send' && j.recipients.includes(readers.kke?.id as string)) as never;
      expect(await sendJob(withSes, job, Date.now() + 60_000)).toMatchObject({ sent: [], requeued: 1 });
      expect(fake.sent).toHaveLength(0);
      const delayed = withSes.jobs.delayed.splice(0);
      expect(delayed).toEqual([{ kind: 'send', mailing: { kind: 'statement', event }, recipients: [readers.kke?.id] }]);
      now += SEND_LEASE_MS + 1;
      expect((await sendJob(withSes, delayed[0] as never, Date.now() + 60_000)).sent).toEqual([readers.kke?.id]);
      expect(fake.sent).toHaveLength(1);
    });

    it('records an address SES rejects for good and mails the others', async () => {
      const fake = ses({ throttleFirst: 0 });
      const picky = {
        send: async (command: { input: { Destination: { ToAddresses: string[] } } }) => {
          if (command.input.Destination.ToAddresses[0] === 'kke@example.org') {
            throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
          }
          return fake.client.send(command);
        },
      };
      const { sent } = await mailEvent({ ...p, mailer: new SesMailer(picky as never) }, event);
      expect(sent).toHaveLength(3);
      expect(fake.sent).toHaveLength(3);
      // Not tried again: the ledger holds it.
      expect((await mailEvent({ ...p, mailer: new SesMailer(picky as never) }, event)).sent).toEqual([]);
    });
  });
});
