// send-emails: a statement event starts its mailing, walked page by page into send jobs (email/mailings.ts).
import type { StatementEvent } from '../domain/events.js';
import { type WalkOutcome, walkMailing } from '../email/mailings.js';
import type { Platform } from '../platform.js';

/** How long one call walks before it leaves the rest to a 'plan' job (Lambda passes its own remaining time). */
export const WALK_BUDGET_MS = 20_000;

export function sendEmails(
  p: Omit<Platform, 'mailer'>,
  event: StatementEvent,
  deadline = Date.now() + WALK_BUDGET_MS,
): Promise<WalkOutcome> {
  return walkMailing(p, { kind: 'statement', event }, deadline);
}
