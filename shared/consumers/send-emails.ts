// send-emails: one message per matching subscriber and statement version, guarded by the send ledger.
import type { StatementEvent } from '../domain/events.js';
import { wantsStatement } from '../domain/subscriber.js';
import { composeStatementEmail } from '../email/compose.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/statements.js';

export interface SendReport {
  sent: string[];
  skipped: string[];
}

export async function sendEmails(p: Platform, event: StatementEvent): Promise<SendReport> {
  const statement = await requireStatement(p, event.statementId);
  const parties = new Map((await p.parties.list()).map((x) => [x.id, x]));
  const report: SendReport = { sent: [], skipped: [] };
  for (const subscriber of (await p.subscribers.list()).filter((s) => wantsStatement(s, statement, event.occurredAt))) {
    const claim = await p.ledger.claim(statement.id, statement.version, subscriber.id);
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
        messageKey: `${statement.id}-v${statement.version}-${subscriber.id}`,
        from: p.config.mailFrom,
        to: subscriber.email,
        raw,
      });
    } catch (e) {
      await p.ledger.release(statement.id, statement.version, subscriber.id);
      throw e;
    }
    await p.ledger.markSent(statement.id, statement.version, subscriber.id);
    report.sent.push(subscriber.id);
  }
  return report;
}
