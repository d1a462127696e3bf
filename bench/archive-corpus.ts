// An archive of `count` statements made by ../shared/bench/make-corpus.mjs (seed 1) and imported into a
// fresh embedded platform by the import command's own path, timed. The caller closes and removes it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_QUEUE_SETTINGS } from '../shared/adapters/local/queues.js';
import { importArchive } from '../shared/cli/import-archive.js';
import type { StatementEvent } from '../shared/domain/events.js';
import type { Party } from '../shared/domain/party.js';
import type { Platform } from '../shared/platform.js';
import { localDeps } from '../shared/runtime/local.js';
import { submitStatement } from '../shared/services/statements.js';

export const ROOT = path.resolve(import.meta.dirname, '..');

export async function importedArchive(count: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communique-bench-archive-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, '../shared/bench/make-corpus.mjs'), '--count', String(count), '--seed', '1', '--out', dir],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    const dataDir = path.join(dir, 'data');
    const p = localDeps({ dataDir, siteUrl: 'http://localhost', MAIL_FROM: 'bench@localhost', queue: DEFAULT_QUEUE_SETTINGS });
    const files = { parties: path.join(dir, 'parties.json'), statements: path.join(dir, 'statements.jsonl') };
    const started = performance.now();
    const report = await importArchive(p, files, { out: () => undefined, err: (line) => console.error(line) });
    const storeSeconds = (performance.now() - started) / 1000;
    return { p, dataDir, files, imported: report.imported, storeSeconds, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** Publishes the i-th bench statement into an archive, as a press office does; returns its event. */
export async function publishInto(p: Platform, parties: Party[], i: number): Promise<StatementEvent> {
  const party = parties[i % parties.length] as Party;
  const { statement } = await submitStatement(p, party.id, {
    title: `Bench statement ${i} of ${party.short ?? party.id}`,
    summary: 'A statement published into a large archive.',
    body: 'The workers of the port are on strike.\n\nSolidarity with the dockers.',
    language: party.language,
    topics: ['peace', 'workers'],
  });
  return { type: 'statement.published', statementId: statement.id, version: 1, party: party.id, occurredAt: statement.createdAt };
}
