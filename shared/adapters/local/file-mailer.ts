// Mailer that writes each message as an .eml file under DATA_DIR/outbox, named by its message key; the
// files of a send job are synced to disk together (flush), not one fsync round trip each.
import fsSync from 'node:fs';
import path from 'node:path';
import { inParallel } from '../../concurrency/in-parallel.js';
import type { Mailer, OutgoingEmail } from '../../ports.js';
import { syncToDisk } from './file-store.js';

const MESSAGE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export class FileMailer implements Mailer {
  /** The file name is the message key, so a second send of the same message replaces it with itself. */
  readonly deliversIdempotently = true;
  private readonly unsynced = new Set<string>();
  /** Syncs under way (another job's flush may have taken this job's files): a flush waits for all of them. */
  private readonly syncing = new Set<Promise<void>>();
  private folderReady = false;
  private written = 0;

  constructor(readonly outboxDir: string) {}

  async send(message: OutgoingEmail): Promise<void> {
    if (!MESSAGE_KEY.test(message.messageKey)) throw new Error(`unsafe message key "${message.messageKey}"`);
    if (!this.folderReady) {
      fsSync.mkdirSync(this.outboxDir, { recursive: true });
      this.folderReady = true;
    }
    // Plain calls: a write of a few KB into the page cache takes microseconds, less than a round trip
    // through the thread pool; the disk is waited on once per job, in flush().
    const target = path.join(this.outboxDir, `${message.messageKey}.eml`);
    const temp = `${target}.${process.pid}-${++this.written}.tmp`;
    fsSync.writeFileSync(temp, message.raw);
    fsSync.renameSync(temp, target);
    this.unsynced.add(target);
  }

  /** Syncs every message written since the last flush, then the folder that names them, to disk. */
  async flush(): Promise<void> {
    const files = [...this.unsynced];
    this.unsynced.clear();
    if (files.length) {
      const sync = (async () => {
        try {
          await inParallel(files, 32, syncToDisk);
          await syncToDisk(this.outboxDir);
        } catch (e) {
          for (const f of files) this.unsynced.add(f);
          throw e;
        }
      })();
      this.syncing.add(sync);
      void sync.then(
        () => this.syncing.delete(sync),
        () => this.syncing.delete(sync),
      );
    }
    await Promise.all([...this.syncing]);
  }
}
