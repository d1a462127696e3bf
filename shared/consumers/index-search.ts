// index-search: puts a statement into the browser-side search index.
import type { StatementEvent } from '../domain/events.js';
import type { Platform } from '../platform.js';
import { indexStatement, searchDocOf } from '../search/indexer.js';
import { requireStatement } from '../services/read-statement.js';

export async function indexSearch(
  p: Pick<Platform, 'statements' | 'blobs' | 'parties' | 'site' | 'locks'>,
  event: StatementEvent,
): Promise<void> {
  await indexStatement(p.site, p.locks, async () => {
    const statement = await requireStatement(p, event.statementId);
    const parties = new Map((await p.parties.list()).map((x) => [x.id, x]));
    return searchDocOf(statement, parties);
  });
}
