// Storing a later version of a statement: the blob of the new version, then its row and event in one
// conditional step (the commit point), as signatures, corrections, retractions and translation links do.
import type { StatementEvent } from '../domain/events.js';
import { type Statement, statementBlobKey, summarise } from '../domain/statement.js';
import type { StatementStore } from './read-statement.js';

/** Writes `next` after `current`: false when another change took its place meanwhile (read again, retry). */
export async function storeNextVersion(p: StatementStore, current: Statement, next: Statement, event: StatementEvent): Promise<boolean> {
  await p.blobs.put(statementBlobKey(next.id, next.version, next.revision), JSON.stringify(next), 'application/json');
  return p.statements.update(summarise(next), current.version, event);
}
