// Which platform the CLI acts on: the embedded one under DATA_DIR, or a deployed stage on AWS.
import path from 'node:path';
import { FileObjectStore } from '../adapters/local/file-store.js';
import { OutboxPublisher } from '../adapters/local/outbox-publisher.js';
import { ProcessLocks } from '../adapters/local/process-locks.js';
import type { DeadLetter } from '../adapters/local/queues.js';
import type { Platform } from '../platform.js';
import type { EventPublisher } from '../ports.js';
import { localDeps, readLocalSettings } from '../runtime/local.js';
import { rebuildSite } from '../services/rebuild.js';
import type { AwsCliClients } from './aws-target.js';
import { type Progress, startProgress } from './progress.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliTarget {
  platform: Pick<Platform, 'clock' | 'parties' | 'keys' | 'audit' | 'subscribers' | 'statements' | 'emailStats'>;
  /** Where republished events go: the outbox locally, the statement-events topic on AWS. */
  publisher: EventPublisher;
  /** Said after a republish: who acts on the events now. */
  republishNote: string;
  /** What storing statements needs besides the table: the content store and the site's origin. */
  statementWriter(): Promise<Pick<Platform, 'clock' | 'parties' | 'statements' | 'blobs' | 'config'>>;
  /** Said after an import: what happens to the imported statements now. */
  importNote: string;
  /**
   * Rebuilds the whole site: in this process locally (into `outDir` when given, else the live site), by
   * fanning out over the statement-events topic on AWS. Resolves to a line that says what happened.
   */
  rebuild(opts: { outDir?: string; out: (line: string) => void }): Promise<string>;
  deadLetters(queue?: string): DeadLetter[];
  redrive(queue?: string): number;
  close(): Promise<void>;
}

export interface TargetOptions {
  target?: string;
  stage?: string;
  aws?: AwsCliClients;
}

export async function openTarget(opts: TargetOptions): Promise<CliTarget> {
  if (opts.target === 'aws') {
    const { openAwsTarget } = await import('./aws-target.js');
    return openAwsTarget(opts.stage, opts.aws);
  }
  const platform = localDeps(readLocalSettings());
  return {
    platform,
    publisher: new OutboxPublisher(platform.db),
    republishNote: 'queued in the outbox; the running platform (npm start) relays them, or the next start does',
    statementWriter: async () => platform,
    importNote: 'the running platform (npm start) renders and indexes them, or the next start does; nobody is mailed',
    rebuild: async ({ outDir, out }) => {
      let progress: Progress | undefined;
      const started = Date.now();
      // A separate folder is written without a sync per file, then flushed once (a rebuild cut short is
      // run again); the live site keeps its durable writes, since the worker's pages are there too.
      const copy = outDir ? new FileObjectStore(path.resolve(outDir), { durable: false }) : undefined;
      const site = copy ?? platform.site;
      const report = await rebuildSite(
        platform,
        { site, locks: new ProcessLocks() },
        {
          onProgress: (r) => {
            progress ??= startProgress('rebuilding', out, r.total);
            progress.update(Math.min(r.built + r.statements, r.total), `${r.written} changed, ${r.indexed} indexed`);
          },
        },
      );
      progress?.stop();
      await copy?.flush();
      const seconds = (Date.now() - started) / 1000;
      return (
        `rebuilt ${report.built} files (${report.written} changed) from ${report.statements} statements, ` +
        `${report.indexed} indexed for search, in ${seconds.toFixed(1)} s, into ${outDir ? path.resolve(outDir) : platform.siteDir}`
      );
    },
    deadLetters: (q) => platform.queues.deadLetters(q),
    redrive: (q) => platform.queues.redrive(q),
    close: async () => {
      platform.db.close();
    },
  };
}
