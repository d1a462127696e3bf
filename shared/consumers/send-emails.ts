// send-emails: one message per matching subscriber and statement, guarded by the send ledger.
import type { StatementEvent } from '../domain/events.js';
import { MAIL_WINDOW_DAYS, olderThanDays } from '../domain/retention.js';
import type { Statement } from '../domain/statement.js';
import { type Subscriber, wantsStatement } from '../domain/subscriber.js';
import { composeStatementEmail } from '../email/compose.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/read-statement.js';

/**
 * A statement is mailed to a reader once, whatever its later versions: the ledger entry is the first
 * version's. A cosigner's later signature thus reaches only the readers who follow that signer and had not
 * had the statement yet. (Corrections will mail again under their own entry.)
 */
const MAILED_VERSION = 1;

/**
 * Publication reaches every reader who wants the statement; a signature only the readers who follow the
 * signer by name and had subscribed by then (readers of everything, or of the author, had it already or
 * subscribed after it was published).
 */
function isRecipient(s: Subscriber, statement: Statement, event: StatementEvent): boolean {
  if (event.type === 'statement.signed') return s.parties.includes(event.party) && wantsStatement(s, statement, event.occurredAt);
  return wantsStatement(s, statement, event.occurredAt);
}

export interface SendReport {
  sent: string[];
  skipped: string[];
}

export async function sendEmails(p: Platform, event: StatementEvent): Promise<SendReport> {
  const report: SendReport = { sent: [], skipped: [] };
  // An archive's statements are old news to its readers: importing mails nobody, nor does a rebuild.
  if (event.type === 'statement.imported' || event.type === 'statement.rebuild') return report;
  const now = p.clock.now().getTime();
  // A late or republished event is news no longer, and a statement past the window may have lost its
  // ledger entries (a signature on day 31 would otherwise mail everyone again).
  if (olderThanDays(event.occurredAt, MAIL_WINDOW_DAYS, now)) return report;
  const statement = await requireStatement(p, event.statementId);
  if (olderThanDays(statement.createdAt, MAIL_WINDOW_DAYS, now)) return report;
  const parties = new Map((await p.parties.list()).map((x) => [x.id, x]));
  for (const subscriber of (await p.subscribers.list()).filter((s) => isRecipient(s, statement, event))) {
    const claim = await p.ledger.claim(statement.id, MAILED_VERSION, subscriber.id);
    // 'pending' means an earlier attempt died between claim and record: resend only where a resend
    // cannot duplicate (files); with SES, at most once wins over at least once.
    const mayResend = claim === 'pending' && p.mailer.deliversIdempotently;
    if (claim !== 'claimed' && !mayResend) {
      report.skipped.push(subscriber.id);
      continue;
    }
    try {
      const raw = await composeStatementEmail(p.config, statement, subscriber, parties);
      await p.mailer.send({
        messageKey: `${statement.id}-v${MAILED_VERSION}-${subscriber.id}`,
        from: p.config.mailFrom,
        to: subscriber.email,
        raw,
      });
    } catch (e) {
      await p.ledger.release(statement.id, MAILED_VERSION, subscriber.id);
      throw e;
    }
    await p.ledger.markSent(statement.id, MAILED_VERSION, subscriber.id);
    report.sent.push(subscriber.id);
  }
  return report;
}
