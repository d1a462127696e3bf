// One statement to N matching subscribers on the embedded default (the platform in its own process): the
// time until every message is composed and handed to the mailer (recorded as sent in the ledger), messages
// a second, the process's peak memory, and how soon a second statement's page is served meanwhile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_QUEUE_SETTINGS } from '../shared/adapters/local/queues.js';
import { newSubscriber } from '../shared/domain/subscriber.js';
import { localDeps } from '../shared/runtime/local.js';
import { issueKey, runCli, startPlatform } from '../tests/helpers/platform-process.js';
import { round } from './stats.js';

/** VmHWM: the process's peak resident memory, in MiB. */
function peakMiB(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return line ? round(Number(line[1]) / 1024) : Number.NaN;
}

export async function benchEmail(subscribers: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'communique-bench-email-'));
  await runCli(dataDir, ['parties', 'add', '--id', 'kke', '--name', 'Communist Party of Greece', '--country', 'GR', '--language', 'el']);
  await runCli(dataDir, ['parties', 'add', '--id', 'tkp', '--name', 'Communist Party of Turkey', '--country', 'TR', '--language', 'tr']);
  const key = await issueKey(dataDir, 'kke');
  // The second statement's party has no readers of its own: the figures are one statement's mailing.
  const otherKey = await issueKey(dataDir, 'tkp');
  // Subscribers straight into the table, in group commits: the CLI would spawn a process for each.
  const setup = localDeps({ dataDir, siteUrl: 'http://localhost', MAIL_FROM: 'bench@localhost', queue: DEFAULT_QUEUE_SETTINGS });
  const since = new Date(Date.now() - 60_000);
  for (let i = 0; i < subscribers; i += 1_000) {
    const n = Math.min(1_000, subscribers - i);
    await setup.subscribers.putMany(
      Array.from({ length: n }, (_, j) => newSubscriber({ email: `reader${i + j}@example.org`, parties: ['kke'] }, since)),
    );
  }
  setup.db.close();
  process.stderr.write(`email: ${subscribers} subscribers stored\n`);
  const platform = await startPlatform(dataDir, { DEMO_DATA: 'off' });
  const db = new Database(path.join(dataDir, 'communique.db'), { readonly: true });
  const sent = () => (db.prepare("SELECT count(*) AS n FROM mail_ledger WHERE status = 'sent'").get() as { n: number }).n;
  const submit = async (title: string, as = key) => {
    const res = await fetch(`${platform.url}/v1/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, body: 'Οι εργάτες του λιμανιού απεργούν. '.repeat(60), language: 'el' }),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  try {
    const start = performance.now();
    await submit('The first statement, mailed to every subscriber');
    // The second statement while the first is being mailed: its page must not wait for the mail.
    await new Promise((r) => setTimeout(r, 1_000));
    const second = performance.now();
    const id = await submit('The second statement, behind the email backlog', otherKey);
    while (!(await fetch(`${platform.url}/statements/${id}/`)).ok) await new Promise((r) => setTimeout(r, 10));
    const pageMs = performance.now() - second;
    const mailedByThen = sent();
    let last = 0;
    for (let n = sent(); n < subscribers; n = sent()) {
      if (performance.now() - start > 15 * 60_000) throw new Error(`only ${n} of ${subscribers} messages sent after 15 minutes`);
      if (performance.now() - last > 5_000) {
        process.stderr.write(`email: ${n} of ${subscribers} sent\n`);
        last = performance.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const totalMs = performance.now() - start;
    return {
      subscribers,
      messages: subscribers,
      allHandedToMailerS: round(totalMs / 1000),
      messagesPerSecond: round(subscribers / (totalMs / 1000)),
      secondPageServedMs: round(pageMs),
      messagesSentWhenSecondPageServed: mailedByThen,
      platformPeakMiB: peakMiB(platform.proc.pid as number),
    };
  } finally {
    db.close();
    await platform.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
