// The embedded platform's background loop: relay the outbox, then drain each consumer queue.
import type { SqliteQueues } from '../adapters/local/queues.js';
import type { EventHandler } from '../consumers/handlers.js';
import { type ConsumerName, StatementEvent } from '../domain/events.js';

export interface Worker {
  /** Runs one pass; resolves to the number of messages handled. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 10;

export function startWorker(
  queues: SqliteQueues,
  handlers: Record<ConsumerName, EventHandler>,
  opts: { idleMs?: number; onError?: (queue: string, error: unknown) => void } = {},
): Worker {
  const idleMs = opts.idleMs ?? 50;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);

  async function drain(queue: ConsumerName): Promise<number> {
    const messages = queues.receive(queue, BATCH);
    for (const m of messages) {
      try {
        await handlers[queue](StatementEvent.parse(JSON.parse(m.body)));
        queues.acknowledge(m.id);
      } catch (e) {
        queues.fail(m, e);
        opts.onError?.(queue, e);
      }
    }
    return messages.length;
  }

  async function tick(): Promise<number> {
    let handled = queues.relayOutbox();
    // The three consumers are independent: a slow one does not hold back the others.
    const counts = await Promise.all((Object.keys(handlers) as ConsumerName[]).map(drain));
    for (const n of counts) handled += n;
    return handled;
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().catch((e) => {
        opts.onError?.('worker', e);
        return 0;
      });
      void running.then((n) => schedule(n > 0 ? 0 : idleMs));
    }, delay);
  }
  schedule(0);

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
