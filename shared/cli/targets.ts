// Which platform the CLI acts on: the embedded one under DATA_DIR, or a deployed stage on AWS.
import { OutboxPublisher } from '../adapters/local/outbox-publisher.js';
import type { DeadLetter } from '../adapters/local/queues.js';
import type { Platform } from '../platform.js';
import type { EventPublisher } from '../ports.js';
import { localDeps, readLocalSettings } from '../runtime/local.js';
import type { AwsCliClients } from './aws-target.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliTarget {
  platform: Pick<Platform, 'clock' | 'parties' | 'keys' | 'subscribers' | 'statements'>;
  /** Where republished events go: the outbox locally, the statement-events topic on AWS. */
  publisher: EventPublisher;
  /** Said after a republish: who acts on the events now. */
  republishNote: string;
  /** What storing statements needs besides the table: the content store and the site's origin. */
  statementWriter(): Promise<Pick<Platform, 'clock' | 'parties' | 'statements' | 'blobs' | 'config'>>;
  /** Said after an import: what happens to the imported statements now. */
  importNote: string;
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
    deadLetters: (q) => platform.queues.deadLetters(q),
    redrive: (q) => platform.queues.redrive(q),
    close: async () => {
      platform.db.close();
    },
  };
}
