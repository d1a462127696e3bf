// `communique subscribers import`: a CSV of addresses and their choices, streamed row by row and stored
// in group commits, so memory does not grow with the file. Bad rows are reported by line and skipped.
import fs from 'node:fs';
import { type CsvError, parse } from 'csv-parse';
import { newSubscriber, resubscribe, type Subscriber, SubscriberInput, saveSubscriber } from '../domain/subscriber.js';
import { AddressTakenError, fieldIssues, StaleWriteError } from '../errors.js';
import type { Platform } from '../platform.js';
import { startProgress } from './progress.js';
import { UsageError } from './targets.js';

export interface SubscriberImportReport {
  rows: number;
  added: number;
  /** Addresses already there (or earlier in the file) whose choices the row replaced. */
  updated: number;
  /** Rows of addresses that unsubscribed or were suppressed after a bounce or complaint: left as they are. */
  skipped: number;
  rejected: number;
}

const COLUMNS = ['email', 'parties', 'countries', 'languages', 'topics', 'frequency'] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string>>;
const LIST_COLUMNS = ['parties', 'countries', 'languages', 'topics'] as const;
const isColumn = (name: string): name is Column => (COLUMNS as readonly string[]).includes(name);
const COLUMNS_HINT = `the first line must name the columns: ${COLUMNS.join(', ')} (all but email optional)`;

type Input = ReturnType<typeof SubscriberInput.parse>;
type Outcome = 'added' | 'updated' | 'skipped';

/**
 * An operator's import never brings back an address whose owner left or whose mail bounced or drew a
 * complaint: mailing it again would go against the reader's wish and the sender's reputation.
 */
function hasLeft(s: Subscriber): boolean {
  return s.unsubscribedAt !== undefined || s.suppressedFor !== undefined;
}

/** What a row does to the address's record (the record to store, none when it is left as it is). */
function planFor(existing: Subscriber | undefined, input: Input, now: Date): { outcome: Outcome; subscriber?: Subscriber } {
  if (!existing) return { outcome: 'added', subscriber: newSubscriber(input, now) };
  if (hasLeft(existing)) return { outcome: 'skipped' };
  return { outcome: 'updated', subscriber: resubscribe(existing, input, now) };
}

/** The row as a subscriber's input, or what is wrong with it. */
function inputOf(row: Row, parties: ReadonlySet<string>): { input: Input } | { problem: string } {
  const lists = Object.fromEntries(LIST_COLUMNS.map((c) => [c, (row[c] ?? '').split(/[\s,]+/).filter(Boolean)]));
  const frequency = row.frequency?.trim().toLowerCase();
  const r = SubscriberInput.safeParse({ email: (row.email ?? '').trim(), ...lists, ...(frequency ? { frequency } : {}) });
  if (!r.success) return { problem: fieldIssues(r.error.issues).map((i) => `${i.path || 'row'}: ${i.message}`)[0] as string };
  const unknown = r.data.parties.find((p) => !parties.has(p));
  if (unknown) return { problem: `parties: no party "${unknown}"; see \`parties list\`` };
  return { input: r.data };
}

/** Rows waiting for one commit, by address: a repeated address keeps its last row. */
type Pending = Map<string, { input: Input; rows: number }>;

function tally(report: SubscriberImportReport, outcome: Outcome, rows: number): void {
  if (outcome === 'added') {
    report.added++;
    report.updated += rows - 1;
  } else report[outcome] += rows;
}

/** Stores one chunk in one group commit, keeping each known address's id and secret. */
async function store(p: Pick<Platform, 'subscribers'>, pending: Pending, now: Date, report: SubscriberImportReport): Promise<void> {
  const counts = { rows: 0, added: 0, updated: 0, skipped: 0, rejected: 0 };
  const batch: Subscriber[] = [];
  for (const [email, { input, rows }] of pending) {
    const plan = planFor(await p.subscribers.findByEmail(email), input, now);
    tally(counts, plan.outcome, rows);
    if (plan.subscriber) batch.push(plan.subscriber);
  }
  try {
    await p.subscribers.putMany(batch);
  } catch (e) {
    // Someone subscribed or changed one of these addresses meanwhile: row by row, each an update of what is there now.
    if (!(e instanceof AddressTakenError || e instanceof StaleWriteError)) throw e;
    Object.assign(counts, { added: 0, updated: 0, skipped: 0 });
    for (const [email, { input, rows }] of pending) {
      let outcome: Outcome = 'added';
      await saveSubscriber(p.subscribers, email, (existing) => {
        const plan = planFor(existing, input, now);
        outcome = plan.outcome;
        return plan.subscriber;
      });
      tally(counts, outcome, rows);
    }
  }
  report.added += counts.added;
  report.updated += counts.updated;
  report.skipped += counts.skipped;
}

/** The parser's complaint about a row, said as what to fix. */
function csvProblem(e: CsvError): string {
  const counts = /columns length is (\d+), got (\d+)/.exec(e.message);
  if (counts) return `${counts[2]} values where the header names ${counts[1]} columns (quote a value that holds a comma)`;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED')
    return 'a quote opened on this line or before is never closed, so the rest of the file was one value';
  return e.message.replace(/ (on|at) line \d+$/, '');
}

function readableFile(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of a CSV file`);
  }
}

/** The file's rows with their line numbers; rows the parser cannot read go to `onBadRow`. */
function csvRows(file: string, say: { out: (line: string) => void }, onBadRow: (line: number, problem: string) => void) {
  let hasHeader = false;
  const source = fs.createReadStream(file);
  const parser = source.pipe(
    parse<Row>({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (e: CsvError | undefined) => {
        if (e) onBadRow(Number(e.lines), csvProblem(e));
      },
      columns: (header: string[]) => {
        hasHeader = true;
        const names = header.map((h) => h.trim().toLowerCase());
        if (!names.includes('email')) throw new UsageError(`${file} has no "email" column; ${COLUMNS_HINT}`);
        const ignored = names.filter((n) => !isColumn(n));
        if (ignored.length) say.out(`ignoring column(s) ${ignored.join(', ')}: only ${COLUMNS.join(', ')} are read`);
        return names.map((n) => (isColumn(n) ? n : false));
      },
    }),
  );
  source.once('error', (e) => parser.destroy(e));
  return { records: parser as AsyncIterable<{ info: { lines: number }; record: Row }>, hasHeader: () => hasHeader };
}

export async function importSubscribers(
  p: Pick<Platform, 'subscribers' | 'parties' | 'clock'>,
  file: string,
  say: { out: (line: string) => void; err: (line: string) => void },
): Promise<SubscriberImportReport> {
  readableFile(file);
  const parties = new Set((await p.parties.list()).map((party) => party.id));
  const report: SubscriberImportReport = { rows: 0, added: 0, updated: 0, skipped: 0, rejected: 0 };
  const reject = (line: number, problem: string) => {
    report.rows++;
    report.rejected++;
    say.err(`line ${line}: ${problem}`);
  };
  // The parser reports a row it cannot read before it yields the rows read ahead of it: hold those
  // reports until the rows before them are through, so that problems are told in line order.
  const unreadable: Array<{ line: number; problem: string }> = [];
  const tellUnreadable = (before: number) => {
    while ((unreadable[0]?.line ?? before) < before) {
      const { line, problem } = unreadable.shift() as { line: number; problem: string };
      reject(line, problem);
    }
  };
  const { records, hasHeader } = csvRows(file, say, (line, problem) => unreadable.push({ line, problem }));
  const progress = startProgress('importing', say.out);
  let pending: Pending = new Map();
  const commit = async () => {
    if (pending.size) await store(p, pending, p.clock.now(), report);
    pending = new Map();
  };
  for await (const { info, record } of records) {
    tellUnreadable(info.lines);
    const row = inputOf(record, parties);
    if ('problem' in row) {
      reject(info.lines, row.problem);
      continue;
    }
    report.rows++;
    const earlier = pending.get(row.input.email);
    pending.set(row.input.email, { input: row.input, rows: (earlier?.rows ?? 0) + 1 });
    if (pending.size >= ROWS_PER_COMMIT) await commit();
    progress.update(report.rows, `${report.added} added, ${report.updated} updated, ${report.rejected} rejected`);
  }
  await commit();
  tellUnreadable(Number.POSITIVE_INFINITY);
  progress.stop();
  if (!hasHeader()) throw new UsageError(`${file} is empty; ${COLUMNS_HINT}`);
  return report;
}

const ROWS_PER_COMMIT = 500;
