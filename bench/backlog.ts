// Whether a large email backlog holds pages back: with N subscribers, one statement starts N emails; the
// next statement's page is measured from its submission until it is served (the queues run independently).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_QUEUE_SETTINGS } from '../shared/adapters/local/queues.js';
import { newSubscriber } from '../shared/domain/subscriber.js';
import { localDeps } from '../shared/runtime/local.js';
import { issueKey, runCli, startPlatform } from '../tests/helpers/platform-process.js';
import { round } from './stats.js';

export async function benchBacklog(subscribers: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'communique-bench-backlog-'));
  await runCli(dataDir, ['parties', 'add', '--id', 'kke', '--name', 'Communist Party of Greece', '--country', 'GR', '--language', 'el']);
  const key = await issueKey(dataDir, 'kke');
  // Subscribers straight into the table: the CLI would spawn a process for each.
  const setup = localDeps({ dataDir, siteUrl: 'http://localhost', MAIL_FROM: 'bench@localhost', queue: DEFAULT_QUEUE_SETTINGS });
  const since = new Date(Date.now() - 60_000);
  for (let i = 0; i < subscribers; i++)
    await setup.subscribers.put(newSubscriber({ email: `reader${i}@example.org`, parties: [], languages: [] }, since));
  setup.db.close();
  const platform = await startPlatform(dataDir, { DEMO_DATA: 'off' });
  const submit = async (title: string) => {
    const res = await fetch(`${platform.url}/v1/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, body: 'Οι εργάτες του λιμανιού απεργούν.', language: 'el' }),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  try {
    await submit('The first statement, mailed to every subscriber');
    await new Promise((r) => setTimeout(r, 200));
    const start = performance.now();
    const second = await submit('The second statement, behind the email backlog');
    while (!(await fetch(`${platform.url}/statements/${second}/`)).ok) await new Promise((r) => setTimeout(r, 10));
    const pageMs = performance.now() - start;
    const outbox = path.join(dataDir, 'outbox');
    const mailed = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')).length : 0;
    return { subscribers, secondPageServedMs: round(pageMs), emailsWrittenByThen: mailed };
  } finally {
    await platform.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
