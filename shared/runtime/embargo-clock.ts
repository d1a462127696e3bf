// The embedded platform's stand-in for EventBridge Scheduler's embargoes: a loop that sleeps until the
// earliest scheduled statement's publishAt (never longer than POLL_MS, and woken by the API when it
// schedules, changes or cancels one), then publishes what is due. Its timers are the table's rows, so a
// restart loses none: the first run publishes whatever fell due while the platform was down.
import type { LocalEmbargoTimer } from '../adapters/local/sqlite-scheduled.js';
import { type PublishingPlatform, publishDue } from '../services/publish-scheduled.js';

/** The longest nap: a statement scheduled by another process (the CLI) is seen within this. */
export const POLL_MS = 500;
const FAR_FUTURE = '9999-12-31T23:59:59.999Z';
/** Records read to find the next time: past any still claimed by a publish that failed. */
const LOOK_AHEAD = 20;

export interface EmbargoClock {
  stop(): Promise<void>;
}

export function startEmbargoClock(
  p: PublishingPlatform & { embargoTimer: LocalEmbargoTimer },
  onError: (e: unknown) => void,
  pollMs = POLL_MS,
): EmbargoClock {
  let stopped = false;
  let wake: (() => void) | undefined;
  const unsubscribe = p.embargoTimer.onChange(() => wake?.());
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Until the earliest publishAt still ahead, at most pollMs. Due ones still here wait for their claim to go stale. */
  async function nextWait(): Promise<number> {
    const now = p.clock.now().getTime();
    const next = (await p.scheduled.due(FAR_FUTURE, LOOK_AHEAD)).find((r) => Date.parse(r.publishAt) > now);
    return next ? Math.min(Date.parse(next.publishAt) - now, pollMs) : pollMs;
  }

  async function loop(): Promise<void> {
    // This process is the only publisher on this data dir: a claim left by one that was killed is stale at once.
    let starting = true;
    while (!stopped) {
      let wait = pollMs;
      try {
        await publishDue(p, starting ? { staleClaimMs: 0 } : {});
        starting = false;
        wait = await nextWait();
      } catch (e) {
        onError(e);
      }
      if (!stopped) await nap(wait);
    }
  }

  const running = loop();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      wake?.();
      await running;
    },
  };
}
