// Which platform the CLI acts on: the embedded one under DATA_DIR, or a deployed stage on AWS.
import type { DeadLetter } from '../adapters/local/queues.js';
import type { Platform } from '../platform.js';
import { localDeps, readLocalSettings } from '../runtime/local.js';
import type { AwsCliClients } from './aws-target.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliTarget {
  platform: Pick<Platform, 'clock' | 'parties' | 'keys' | 'subscribers'>;
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
    deadLetters: (q) => platform.queues.deadLetters(q),
    redrive: (q) => platform.queues.redrive(q),
    close: async () => {
      platform.db.close();
    },
  };
}
