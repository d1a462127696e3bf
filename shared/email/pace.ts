// Pacing the mailer: at most `mailRatePerSecond` messages a second from this process (SES's send rate).

type Pace = () => Promise<void>;

const paces = new WeakMap<object, Pace>();

/** Each call waits for the next free slot; slots are 1/rate seconds apart. Without a rate, no wait. */
export function pacer(ratePerSecond: number | undefined): Pace {
  if (!ratePerSecond) return async () => undefined;
  const gap = 1000 / ratePerSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const slot = Math.max(now, next);
    next = slot + gap;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };
}

/** One pace per platform (all the jobs this process runs at once share the rate). */
export function paceFor(p: { config: { mailRatePerSecond?: number } }): Pace {
  let pace = paces.get(p.config);
  if (!pace) {
    pace = pacer(p.config.mailRatePerSecond);
    paces.set(p.config, pace);
  }
  return pace;
}
