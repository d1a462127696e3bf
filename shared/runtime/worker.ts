// The embedded platform's background work: one loop relays the outbox, and each consumer queue has a loop
// of its own that keeps up to `concurrency` messages in flight, as Lambda runs a batch's records in
// parallel. A slow queue (a large email backlog) never holds back the others.
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueMessage, SqliteQueues } from '../adapters/local/queues.js';
import type { BatchHandler, EventHandler } from '../consumers/handlers.js';
import { type ConsumerName, StatementEvent } from '../domain/events.js';

export interface Worker {
  stop(): Promise<void>;
}

export type Concurrency = Record<ConsumerName, number>;

/** How soon a committed statement's event moves from the outbox to the queues. */
const RELAY_POLL_MS = 10;

export const DEFAULT_CONCURRENCY: Concurrency = { 'render-pages': 4, 'index-search': 4, 'send-emails': 4 };

export interface WorkerOptions {
  idleMs?: number;
  concurrency?: Partial<Concurrency>;
  /**
   * Queues whose waiting messages are handled up to `size` at a time by one call (a backlog, an import);
   * a batch that fails is handled again message by message, so a bad one fails alone.
   */
  batches?: Partial<Record<ConsumerName, { size: number; handler: BatchHandler }>>;
  /**
   * Queues of jobs that are not statement events (the email planner's and senders' jobs), each with its
   * handler of the parsed JSON body and how many it runs at once.
   */
  jobQueues?: Record<string, { concurrency: number; handler: (job: unknown) => Promise<unknown> }>;
  onError?: (queue: string, error: unknown) => void;
}

export function startWorker(queues: SqliteQueues, handlers: Record<ConsumerName, EventHandler>, opts: WorkerOptions = {}): Worker {
  const idleMs = opts.idleMs ?? 50;
  const stopping = new AbortController();
  // Idle queue loops nap until their timer or until the relay wakes them; each nap removes itself, so
  // nothing piles up on a long-lived signal or promise.
  const wakers = new Set<() => void>();
  const rest = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, idleMs);
      wakers.add(wake);
    });
  const wakeQueues = () => {
    for (const wake of [...wakers]) wake();
  };

  async function relayLoop(): Promise<void> {
    // The outbox is looked at often (a read); the relay's write transaction runs only when it holds events.
    const pollMs = Math.min(idleMs, RELAY_POLL_MS);
    while (!stopping.signal.aborted) {
      let moved = 0;
      try {
        if (queues.hasOutboxEvents()) moved = queues.relayOutbox();
      } catch (e) {
        opts.onError?.('relay', e);
      }
      if (moved > 0) wakeQueues();
      else await sleep(pollMs);
    }
  }

  /**
   * Keeps long jobs (a large mailing, a batch) from reappearing on their queue while they run here; a
   * message leaves the set once it is settled, so a failed one keeps its backoff.
   */
  function heartbeat(messages: QueueMessage[]): { settled(m: QueueMessage): void; stop(): void } {
    const running = new Set(messages.map((m) => m.id));
    const timer = setInterval(
      () => {
        for (const id of running) queues.extendVisibility(id);
      },
      Math.max(10, queues.settings.visibilityTimeoutMs / 3),
    );
    return { settled: (m) => running.delete(m.id), stop: () => clearInterval(timer) };
  }

  const run = (queue: string, body: string): Promise<unknown> => {
    const job = opts.jobQueues?.[queue];
    if (job) return job.handler(JSON.parse(body));
    return handlers[queue as ConsumerName](StatementEvent.parse(JSON.parse(body)));
  };

  async function handle(queue: string, m: QueueMessage, beat?: { settled(m: QueueMessage): void }): Promise<void> {
    const own = beat ? undefined : heartbeat([m]);
    try {
      await run(queue, m.body);
      queues.acknowledge(m.id);
    } catch (e) {
      queues.fail(m, e);
      opts.onError?.(queue, e);
    } finally {
      beat?.settled(m);
      own?.stop();
    }
  }

  /**
   * A batch in one call; when it fails, each half again, down to single messages: a bad message fails
   * alone, and the good ones around it still go through in batches.
   */
  async function handleBatch(
    queue: ConsumerName,
    messages: QueueMessage[],
    handler: BatchHandler,
    beat?: ReturnType<typeof heartbeat>,
  ): Promise<void> {
    if (messages.length === 1) return handle(queue, messages[0] as QueueMessage, beat);
    const own = beat ? undefined : heartbeat(messages);
    const watch = (beat ?? own) as ReturnType<typeof heartbeat>;
    try {
      await handler(messages.map((m) => StatementEvent.parse(JSON.parse(m.body))));
      for (const m of messages) {
        queues.acknowledge(m.id);
        watch.settled(m);
      }
    } catch (e) {
      opts.onError?.(queue, new Error(`a batch of ${messages.length} failed (${(e as Error)?.message ?? e}); trying each half`));
      const half = Math.ceil(messages.length / 2);
      for (const part of [messages.slice(0, half), messages.slice(half)]) await handleBatch(queue, part, handler, watch);
    } finally {
      own?.stop();
    }
  }

  async function queueLoop(queue: string, concurrency: number): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const batch = opts.batches?.[queue as ConsumerName];
    while (!stopping.signal.aborted) {
      const free = concurrency - inFlight.size;
      let received: QueueMessage[] = [];
      if (free > 0) {
        try {
          received = queues.receive(queue, batch ? free * batch.size : free);
        } catch (e) {
          opts.onError?.(queue, e);
        }
      }
      // With batches, what arrived is shared out over the free slots, in order.
      const per = Math.ceil(received.length / Math.max(1, free));
      const jobs = batch
        ? Array.from({ length: Math.ceil(received.length / per) }, (_, i) => received.slice(i * per, (i + 1) * per)).map((messages) =>
            handleBatch(queue as ConsumerName, messages, batch.handler),
          )
        : received.map((m) => handle(queue, m));
      for (const started of jobs) {
        const job = started.finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      if (inFlight.size === concurrency || (received.length === 0 && inFlight.size > 0)) {
        // Wait for a slot, but look at the queue again soon: new messages may arrive meanwhile.
        await Promise.race([...inFlight, rest()]);
      } else if (received.length === 0) {
        await rest();
      }
    }
    // Stop after what is in flight: nothing is left half done (unfinished messages would be redelivered anyway).
    await Promise.all(inFlight);
  }

  const concurrency = { ...DEFAULT_CONCURRENCY, ...opts.concurrency };
  const loops = [
    relayLoop(),
    ...(Object.keys(handlers) as ConsumerName[]).map((q) => queueLoop(q, Math.max(1, concurrency[q]))),
    ...Object.entries(opts.jobQueues ?? {}).map(([q, job]) => queueLoop(q, Math.max(1, job.concurrency))),
  ];

  return {
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}
