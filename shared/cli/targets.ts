// Which platform the CLI acts on: the embedded one under DATA_DIR.
import type { DeadLetter } from '../adapters/local/queues.js';
import type { Platform } from '../platform.js';
import { localDeps, readLocalSettings } from '../runtime/local.js';

export interface CliTarget {
  platform: Platform;
  deadLetters(queue?: string): DeadLetter[];
  redrive(queue?: string): number;
  close(): Promise<void>;
}

export async function openTarget(_opts: Record<string, unknown>): Promise<CliTarget> {
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
