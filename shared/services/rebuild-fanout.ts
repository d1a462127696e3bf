// A rebuild on AWS fans out over the statement-events topic rather than running in one process: one
// `statement.rebuild` event per stored statement, walked page by page in the order they were stored.
// render-pages and index-search rebuild each statement's pages and index entry (the union is the whole
// site); send-emails ignores the event. Statements stored before listings were numbered are numbered
// first, in that order.
import type { StatementSummary } from '../domain/statement.js';
import type { EventPublisher, StatementRepository } from '../ports.js';

export interface FanOutReport {
  statements: number;
}

export async function fanOutRebuild(
  statements: Pick<StatementRepository, 'listStoredSince'> & { enterListings(summary: StatementSummary): Promise<void> },
  publisher: EventPublisher,
  opts: { now: () => Date; onProgress?: (r: FanOutReport) => void },
): Promise<FanOutReport> {
  const report: FanOutReport = { statements: 0 };
  let cursor: string | undefined;
  do {
    const page = await statements.listStoredSince({ since: '1900-01-01T00:00:00.000Z', limit: 100, ...(cursor ? { cursor } : {}) });
    for (const { summary } of page.items) {
      await statements.enterListings(summary);
      await publisher.publish({
        type: 'statement.rebuild',
        statementId: summary.id,
        version: summary.version,
        party: summary.party,
        occurredAt: opts.now().toISOString(),
      });
      report.statements++;
    }
    opts.onProgress?.(report);
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}
