// index-search: puts a statement into the browser-side search index.
import type { StatementEvent } from '../domain/events.js';
import type { Platform } from '../platform.js';
import { indexStatement, indexStatements, searchDocOf } from '../search/indexer.js';
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

/** Puts several statements into the index in one pass over its shards (a batch of events, an import). */
export async function indexSearchOf(
  p: Pick<Platform, 'statements' | 'blobs' | 'parties' | 'site' | 'locks'>,
  events: StatementEvent[],
): Promise<void> {
  const ids = [...new Set(events.map((e) => e.statementId))].sort();
  await indexStatements(p.site, p.locks, async () => {
    const parties = new Map((await p.parties.list()).map((x) => [x.id, x]));
    return Promise.all(ids.map(async (id) => searchDocOf(await requireStatement(p, id), parties)));
  });
}
