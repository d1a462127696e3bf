// Re-emits the events of stored statements, walking them page by page in the order they were stored:
// the way back when events were lost (a relay outage longer than the stream's 24 h retention).
// Every consumer is idempotent, so republishing what was already handled changes nothing visible.
import type { EventPublisher, StatementRepository } from '../ports.js';

export interface RepublishOptions {
  /** ISO time: statements stored at or after it. */
  since: string;
  /** Only statements whose event the relay never passed on. */
  onlyUnrelayed?: boolean;
  pageSize?: number;
  onProgress?: (report: RepublishReport) => void;
}

export interface RepublishReport {
  /** Statements stored since then. */
  seen: number;
  /** Of those, how many the relay had never passed on. */
  unrelayed: number;
  republished: number;
}

export async function republishStatements(
  statements: Pick<StatementRepository, 'listStoredSince'>,
  publisher: EventPublisher,
  opts: RepublishOptions,
): Promise<RepublishReport> {
  const report: RepublishReport = { seen: 0, unrelayed: 0, republished: 0 };
  let cursor: string | undefined;
  do {
    const page = await statements.listStoredSince({ since: opts.since, limit: opts.pageSize ?? 100, ...(cursor ? { cursor } : {}) });
    for (const record of page.items) {
      report.seen++;
      if (!record.relayedAt) report.unrelayed++;
      if (opts.onlyUnrelayed && record.relayedAt) continue;
      await publisher.publish(record.event);
      report.republished++;
    }
    opts.onProgress?.(report);
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}
