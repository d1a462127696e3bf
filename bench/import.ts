import { setTimeout as sleep } from 'node:timers/promises';
import { consumerBatches, consumerHandlers } from '../shared/consumers/handlers.js';
import { startWorker } from '../shared/runtime/worker.js';
import { importedArchive } from './archive-corpus.js';
import { round } from './stats.js';

export async function benchImport(count: number) {
  const { p, imported, storeSeconds, remove } = await importedArchive(count);
  try {
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
      statements: imported,
      stored: { seconds: round(storeSeconds), perSecond: round(imported / storeSeconds) },
      pagesAndSearchComplete: { seconds: round(publishSeconds), deadLetters },
    };
  } finally {
    remove();
  }
}
