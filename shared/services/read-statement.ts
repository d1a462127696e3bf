// Reading a stored statement: its row, then its canonical blob. Apart from submitting and signing
// (statements.ts), so that the consumers that only read bundle no Markdown renderer or sanitiser.
import { type Statement, Statement as StatementSchema, statementBlobKey } from '../domain/statement.js';
import { NotFoundError } from '../errors.js';
import type { Platform } from '../platform.js';

/** Where a statement is kept: its row in the table and its canonical blob. */
export type StatementStore = Pick<Platform, 'statements' | 'blobs'>;

/** The full statement, or undefined when no committed statement has this id. */
export async function readStatement(p: StatementStore, id: string): Promise<Statement | undefined> {
  const row = await p.statements.get(id);
  if (!row) return undefined;
  const bytes = await p.blobs.get(statementBlobKey(id, row.version, row.revision));
  if (!bytes) throw new Error(`statement ${id} v${row.version} has a row but no blob`);
  return StatementSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

export async function requireStatement(p: StatementStore, id: string): Promise<Statement> {
  const s = await readStatement(p, id);
  if (!s) throw new NotFoundError(`No statement "${id}".`);
  return s;
}
