// How long the platform remembers what exists only to make retries safe; DynamoDB's TTL deletes after that.

const DAY_MS = 24 * 60 * 60 * 1000;

/** An Idempotency-Key answers with the same statement for this long (clients retry within minutes). */
export const IDEMPOTENCY_KEY_DAYS = 7;

/**
 * Statements are mailed only while this young, whatever the delay or a later republish: past it, the send
 * ledger that keeps mail from going out twice may be gone.
 */
export const MAIL_WINDOW_DAYS = 14;

/** The send ledger outlives the mail window, so no send it guards can repeat. */
export const SEND_LEDGER_DAYS = 30;

/** The epoch-seconds `expiresAt` a DynamoDB TTL reads. */
export function expiresAfterDays(days: number, now: number = Date.now()): number {
  return Math.ceil((now + days * DAY_MS) / 1000);
}

export function olderThanDays(iso: string, days: number, now: number = Date.now()): boolean {
  return now - Date.parse(iso) > days * DAY_MS;
}
