// Importing an archive into the embedded default: statements stored per second (the import command's own
// path, in process), then how long until every page and the search index are built (the worker drains).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_QUEUE_SETTINGS } from '../shared/adapters/local/queues.js';
import { importArchive } from '../shared/cli/import-archive.js';
import { consumerBatches, consumerHandlers } from '../shared/consumers/handlers.js';
import { localDeps } from '../shared/runtime/local.js';
import { startWorker } from '../shared/runtime/worker.js';
import { round } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export async function benchImport(count: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communique-bench-import-'));
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, '../shared/bench/make-corpus.mjs'), '--count', String(count), '--seed', '1', '--out', dir],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    const p = localDeps({
      dataDir: path.join(dir, 'data'),
      siteUrl: 'http://localhost',
      MAIL_FROM: 'bench@localhost',
      queue: DEFAULT_QUEUE_SETTINGS,
    });
    const files = { parties: path.join(dir, 'parties.json'), statements: path.join(dir, 'statements.jsonl') };
    const t0 = performance.now();
    const report = await importArchive(p, files, { out: () => undefined, err: (line) => console.error(line) });
    const storeSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const worker = startWorker(p.queues, consumerHandlers(p), {
      batches: consumerBatches(p),
      onError: (q, e) => console.error(`[${q}] ${(e as Error).message}`),
    });
    // Each event is relayed from the outbox to every consumer's queue: the backlog grows before it shrinks.
    let reported = 0;
    for (let left = p.queues.backlog(); left > 0; left = p.queues.backlog()) {
      if (performance.now() - reported > 5_000) {
        process.stderr.write(`import: ${left} jobs left after ${Math.round((performance.now() - t1) / 1000)} s\n`);
        reported = performance.now();
      }
      await sleep(200);
    }
    const publishSeconds = (performance.now() - t1) / 1000;
    await worker.stop();
    const deadLetters = p.queues.deadLetters().length;
    p.db.close();
    return {
      statements: report.imported,
      stored: { seconds: round(storeSeconds), perSecond: round(report.imported / storeSeconds) },
      pagesAndSearchComplete: { seconds: round(publishSeconds), deadLetters },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
