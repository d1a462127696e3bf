// `communique import`: loads an existing archive (parties.json + statements.jsonl, the format of
// ../shared/bench/make-corpus.mjs) line by line, so memory does not grow with the archive. Bad lines are
// reported by number and skipped; a line is stored whole or not at all; importing again changes nothing.
import fs from 'node:fs';
import readline from 'node:readline';
import { Party } from '../domain/party.js';
import * as z from '../domain/schema.js';
import type { Statement } from '../domain/statement.js';
import { fieldIssues, ValidationError } from '../errors.js';
import type { Platform } from '../platform.js';
import { commitImports, prepareImport } from '../services/import.js';
import type { StatementStore } from '../services/read-statement.js';
import { startProgress } from './progress.js';
import { UsageError } from './targets.js';

export interface ImportReport {
  parties: number;
  imported: number;
  alreadyThere: number;
  badLines: number;
}

/** A run that skipped bad lines: exit non-zero, after the report, so scripts notice. */
export class IncompleteImportError extends Error {
  override name = 'IncompleteImportError';
}

function readableFile(file: string, what: string): void {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`${what} file not found: ${file}`);
}

export async function importParties(p: Pick<Platform, 'parties'>, file: string): Promise<number> {
  readableFile(file, '--parties');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const list = z.array(z.unknown()).safeParse(raw);
  if (!list.success) throw new UsageError(`${file} must hold a JSON array of parties`);
  const parties = list.data.map((item, i) => {
    const party = Party.safeParse(item);
    if (!party.success) {
      const issue = fieldIssues(party.error.issues)[0];
      throw new UsageError(`${file}, party ${i + 1}: ${issue?.path ? `${issue.path}: ` : ''}${issue?.message}; nothing was imported`);
    }
    return party.data;
  });
  for (const party of parties) await p.parties.put(party);
  return parties.length;
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of fs.createReadStream(file)) for (const byte of chunk as Buffer) if (byte === 10) lines++;
  return lines;
}

export async function importArchive(
  p: StatementStore & Pick<Platform, 'parties' | 'clock' | 'config'>,
  files: { parties: string; statements: string },
  say: { out: (line: string) => void; err: (line: string) => void },
): Promise<ImportReport> {
  readableFile(files.statements, '--statements');
  const report: ImportReport = { parties: await importParties(p, files.parties), imported: 0, alreadyThere: 0, badLines: 0 };
  const progress = startProgress('importing', say.out, await countLines(files.statements));
  const lines = readline.createInterface({ input: fs.createReadStream(files.statements, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  const problems: Array<{ n: number; text: string }> = [];
  /** Ids of lines being prepared or waiting for the commit, with their line numbers (at most a commit's worth). */
  const unstored = new Map<string, number>();
  // Prepared statements (blob written) wait here for one commit of many rows: a group commit.
  let prepared: Statement[] = [];
  const commit = async () => {
    const batch = prepared;
    prepared = [];
    for (const outcome of await commitImports(p, batch)) {
      if (outcome === 'imported') report.imported++;
      else report.alreadyThere++;
    }
    for (const s of batch) unstored.delete(s.id);
  };
  const importLine = async (line: string, n: number): Promise<void> => {
    try {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (e) {
        throw new ValidationError(`not JSON (${(e as Error).message})`);
      }
      // Two lines with one id, both not stored yet, would race for its blob: the later one is refused.
      const id = (record as { id?: unknown } | null)?.id;
      const earlier = typeof id === 'string' ? unstored.get(id) : undefined;
      if (earlier !== undefined) throw new ValidationError(`the same id as line ${earlier}`, [{ path: 'id', message: 'duplicate' }]);
      if (typeof id === 'string') unstored.set(id, n);
      const statement = await prepareImport(p, record).catch((e: unknown) => {
        if (typeof id === 'string') unstored.delete(id);
        throw e;
      });
      if (statement === 'already there') {
        report.alreadyThere++;
        if (typeof id === 'string') unstored.delete(id);
      } else prepared.push(statement);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      report.badLines++;
      const where = e.issues.map((i) => `${i.path || '(line)'}: ${i.message}`).join('; ');
      problems.push({ n, text: `line ${n}: ${e.message}${where ? ` ${where}` : ''}` });
    }
  };
  // Several lines in flight: their blobs' fsyncs overlap (the table's commits stay one at a time).
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const job: Promise<void> = importLine(line, n).finally(() => inFlight.delete(job));
    inFlight.add(job);
    if (inFlight.size >= LINES_AT_ONCE) await Promise.race(inFlight);
    if (prepared.length >= ROWS_PER_COMMIT) await commit();
    progress.update(n, `${report.imported} imported, ${report.alreadyThere} already there, ${report.badLines} bad`);
  }
  await Promise.all(inFlight);
  await commit();
  // Lines run several at once; their problems are told in line order.
  for (const problem of problems.sort((a, b) => a.n - b.n)) say.err(problem.text);
  progress.update(n, `${report.imported} imported, ${report.alreadyThere} already there, ${report.badLines} bad`);
  progress.stop();
  return report;
}

const LINES_AT_ONCE = 16;
const ROWS_PER_COMMIT = 200;
