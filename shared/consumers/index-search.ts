// index-search: puts a statement into the browser-side search index.
import type { StatementEvent } from '../domain/events.js';
import type { Platform } from '../platform.js';
import { indexStatement, searchDocOf } from '../search/indexer.js';
import { requireStatement } from '../services/statements.js';

export async function indexSearch(p: Platform, event: StatementEvent): Promise<void> {
  const statement = await requireStatement(p, event.statementId);
  const parties = new Map((await p.parties.list()).map((x) => [x.id, x]));
  await indexStatement(p.site, p.locks, searchDocOf(statement, parties));
}
