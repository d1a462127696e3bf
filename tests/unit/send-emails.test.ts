// send-emails: real MIME (parsed back with mailparser), filters, and at most one message per version.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.js';
import { sendEmails } from '../../shared/consumers/send-emails.js';
import type { StatementEvent } from '../../shared/domain/events.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P;
let event: StatementEvent;

beforeEach(async () => {
  p = await aLocalPlatform();
  for (const [email, parties, languages] of [
    ['all@example.org', [], []],
    ['kke@example.org', ['kke'], []],
    ['tkp@example.org', ['tkp'], []],
    ['greek@example.org', [], ['el']],
  ] as const) {
    await p.subscribers.put(newSubscriber({ email, parties: [...parties], languages: [...languages] }, new Date()));
  }
  const { statement } = await submitStatement(
    p,
    'kke',
    aStatementInput({ language: 'el', title: 'Απεργία <b>τώρα</b>', body: 'Οι **εργάτες**' }),
  );
  event = { type: 'statement.published', statementId: statement.id, version: 1, party: 'kke', occurredAt: statement.createdAt };
});
afterEach(() => p.cleanup());

const emlFiles = () => (fs.existsSync(p.outboxDir) ? fs.readdirSync(p.outboxDir).filter((f) => f.endsWith('.eml')) : []);

describe('sendEmails', () => {
  it('writes one MIME message per matching subscriber, with text, HTML and one-click unsubscribe', async () => {
    await sendEmails(p, event);
    const files = emlFiles();
    expect(files).toHaveLength(3);
    const mails = await Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(p.outboxDir, f)))));
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(['all@example.org', 'greek@example.org', 'kke@example.org']);
    const mail = mails[0];
    expect(mail?.subject).toBe('Απεργία <b>τώρα</b>');
    expect(mail?.text).toContain('Οι εργάτες');
    expect(mail?.html).toContain('<strong>εργάτες</strong>');
    expect(mail?.html).toContain('Απεργία &lt;b&gt;τώρα&lt;/b&gt;');
    const header = (name: string) => mail?.headerLines.find((h) => h.key === name)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toMatch(
      /^List-Unsubscribe: <http:\/\/localhost:3000\/v1\/unsubscribe\?token=[0-9a-z]{24}\.[0-9a-z]+>$/,
    );
  });

  it('links to unsubscribe from the message with the token in the fragment, never in a query string', async () => {
    await sendEmails(p, event);
    const mail = await simpleParser(fs.readFileSync(path.join(p.outboxDir, emlFiles()[0] as string)));
    const link = /http:\/\/localhost:3000\/v1\/unsubscribe#[0-9a-z]{24}\.[0-9a-z]{20,64}/;
    expect(mail.html).toMatch(new RegExp(`href="${link.source}"`));
    expect(mail.text).toMatch(new RegExp(`Unsubscribe: ${link.source}`));
    expect(`${mail.html}\n${mail.text}`).not.toContain('unsubscribe?token=');
  });

  it('does not send a statement published before the address subscribed, however late its event arrives', async () => {
    const late = newSubscriber({ email: 'late@example.org', parties: [], languages: [] }, new Date(Date.parse(event.occurredAt) + 1));
    await p.subscribers.put(late);
    const report = await sendEmails(p, event);
    expect(report.sent).toHaveLength(3);
    expect(report.sent).not.toContain(late.id);
    expect(report.skipped).toEqual([]);
  });

  it('sends nothing again when the event is redelivered', async () => {
    await sendEmails(p, event);
    const before = emlFiles().map((f) => fs.statSync(path.join(p.outboxDir, f)).mtimeMs);
    const report = await sendEmails(p, event);
    expect(report.sent).toEqual([]);
    expect(report.skipped).toHaveLength(3);
    expect(emlFiles().map((f) => fs.statSync(path.join(p.outboxDir, f)).mtimeMs)).toEqual(before);
  });

  it('finishes a send that died between claim and record, without a second copy', async () => {
    const all = (await p.subscribers.list()).find((s) => s.email === 'all@example.org');
    await p.ledger.claim(event.statementId, 1, all?.id as string);
    const report = await sendEmails(p, event);
    expect(report.sent).toHaveLength(3);
    expect(emlFiles()).toHaveLength(3);
  });

  it('with SES, skips a claim left pending rather than risk a duplicate, and releases a claim whose send failed', async () => {
    const sent: unknown[] = [];
    let fail = true;
    const ses = {
      send: async (command: unknown) => {
        if (fail) throw Object.assign(new Error('Throttling'), { name: 'TooManyRequestsException' });
        sent.push(command);
        return {};
      },
    };
    const withSes = { ...p, mailer: new SesMailer(ses as never, 'communique-dev') };
    await expect(sendEmails(withSes, event)).rejects.toThrow('Throttling');
    fail = false;
    const report = await sendEmails(withSes, event);
    expect(report.sent).toHaveLength(3);
    expect(sent).toHaveLength(3);
    const input = (sent[0] as { input: { Content: { Raw: { Data: Uint8Array } }; ConfigurationSetName: string } }).input;
    expect(input.ConfigurationSetName).toBe('communique-dev');
    expect(Buffer.from(input.Content.Raw.Data).toString('utf8')).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });
});
