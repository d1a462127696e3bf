// Pacing the mailer: at most `mailRatePerSecond` messages a second from this process (SES's send rate).

/** Waits for the next free slot and says true, or says false at once when that slot is past the deadline. */
type Pace = (deadline: number) => Promise<boolean>;

const paces = new WeakMap<object, Pace>();

/** Slots are 1/rate seconds apart; without a rate, every call may go at once. */
export function pacer(ratePerSecond: number | undefined): Pace {
  if (!ratePerSecond) return async (deadline) => Date.now() < deadline;
  const gap = 1000 / ratePerSecond;
  let next = 0;
  return async (deadline) => {
    const now = Date.now();
    const slot = Math.max(now, next);
    if (slot >= deadline) return false;
    next = slot + gap;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
    return true;
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
