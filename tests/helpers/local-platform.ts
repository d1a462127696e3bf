// An embedded platform in a fresh temporary DATA_DIR, for tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../../shared/adapters/local/queues.js';
import { type Clock, systemClock } from '../../shared/ports.js';
import { type LocalPlatform, localDeps } from '../../shared/runtime/local.js';
import { DEMO_PARTIES } from './factories.js';

export function tempDir(prefix = 'communique-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function aLocalPlatform(
  opts: { queue?: Partial<QueueSettings>; clock?: Clock; dataDir?: string } = {},
): Promise<LocalPlatform & { dataDir: string; cleanup(): void }> {
  const dataDir = opts.dataDir ?? tempDir();
  const platform = localDeps(
    {
      dataDir,
      siteUrl: 'http://localhost:3000',
      MAIL_FROM: 'Communiqué <statements@example.org>',
      queue: { ...DEFAULT_QUEUE_SETTINGS, ...opts.queue },
    },
    opts.clock ?? systemClock,
  );
  for (const p of DEMO_PARTIES) await platform.parties.put(p);
  return {
    ...platform,
    dataDir,
    cleanup() {
      platform.db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
