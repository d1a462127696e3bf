// ObjectStore on the file system: atomic, durable writes (temp file, fsync, rename, fsync of the folder) under one root folder.
// Conditional puts compare the file's version (inode, size, mtime) under a per-file mutex.
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { KeyedMutex } from '../../concurrency/keyed-mutex.js';
import { randomToken } from '../../domain/ids.js';
import { PreconditionFailedError } from '../../errors.js';
import type { ObjectStore, PutCondition, PutOptions, VersionedObject } from '../../ports.js';

/** Shared by every store of this process, so two stores on one folder still check and write one at a time. */
const fileMutex = new KeyedMutex();

/**
 * A file's version: every write renames a new file into place, so its inode (with size and mtime) changes
 * on every write; reading it takes a stat, not a hash of the bytes.
 */
function etagOf(stat: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `"${stat.ino}-${stat.size}-${stat.mtimeNs}"`;
}

function isAbsent(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

export interface FileStoreOptions {
  /**
   * Sync each write to disk before it counts as done (default). A rebuild writes thousands of files that
   * it can write again, alone in its process: it writes them without syncs, in plain blocking calls, and
   * flushes once at the end (flush()).
   */
  durable?: boolean;
}

export class FileObjectStore implements ObjectStore {
  private readonly durable: boolean;
  /** Folders known to exist (a store that is not durable writes thousands of files into few folders). */
  private readonly folders = new Set<string>();
  constructor(
    readonly root: string,
    opts: FileStoreOptions = {},
  ) {
    this.durable = opts.durable ?? true;
  }

  /** For a store that is not durable: syncs every file under the root, then the folders, to disk. */
  async flush(): Promise<void> {
    const entries = await fs.readdir(this.root, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && !e.name.endsWith('.tmp')).map((e) => path.join(e.parentPath, e.name));
    const folders = [this.root, ...entries.filter((e) => e.isDirectory()).map((e) => path.join(e.parentPath, e.name))];
    // Many at once: each sync waits on the disk, not on this process.
    for (const list of [files, folders]) {
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < list.length; i = next++) {
          await syncToDisk(list[i] as string).catch((e: unknown) => {
            // Replaced or removed meanwhile: its successor was written and is synced in its own right.
            if (!isAbsent(e)) throw e;
          });
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
    }
  }

  private pathOf(key: string): string {
    const normalized = path.posix.normalize(key).replace(/^\/+/, '');
    if (normalized.startsWith('..') || normalized === '' || normalized === '.') throw new Error(`unsafe object key "${key}"`);
    return path.join(this.root, normalized);
  }

  /**
   * The type and disposition are not kept: the local site server serves each key with what its
   * extension (and for attachments, attachmentHeadersOf) says, the same values S3 is given.
   */
  async put(key: string, body: string | Uint8Array, _contentType: string, condition?: PutCondition, _options?: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    await fileMutex.run(target, async () => {
      const current = condition ? await this.etag(target) : undefined;
      const holds = !condition || ('ifMatch' in condition ? current === condition.ifMatch : current === undefined);
      if (!holds) throw new PreconditionFailedError(`${key} changed since it was read`);
      await this.write(target, body);
    });
  }

  async read(key: string): Promise<VersionedObject | undefined> {
    if (!this.durable) return this.readNow(key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(key), 'r');
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
    try {
      // The stat and the bytes of one open file: a rename meanwhile cannot pair new bytes with an old tag.
      const etag = etagOf(await handle.stat({ bigint: true }));
      return { body: await handle.readFile(), etag };
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    } finally {
      await handle.close();
    }
  }

  /** read() in plain blocking calls, for a store alone in its process (a rebuild's). */
  private readNow(key: string): VersionedObject | undefined {
    let fd: number;
    try {
      fd = fsSync.openSync(this.pathOf(key), 'r');
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
    try {
      return { etag: etagOf(fsSync.fstatSync(fd, { bigint: true })), body: fsSync.readFileSync(fd) };
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    } finally {
      fsSync.closeSync(fd);
    }
  }

  private async etag(target: string): Promise<string | undefined> {
    try {
      return etagOf(this.durable ? await fs.stat(target, { bigint: true }) : fsSync.statSync(target, { bigint: true }));
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
  }

  private async write(target: string, body: string | Uint8Array): Promise<void> {
    if (!this.durable) {
      // Nothing waits on the disk: plain calls, without a round trip through the thread pool each.
      const folder = path.dirname(target);
      if (!this.folders.has(folder)) {
        fsSync.mkdirSync(folder, { recursive: true });
        this.folders.add(folder);
      }
      const temp = `${target}.${randomToken(6)}.tmp`;
      fsSync.writeFileSync(temp, body);
      fsSync.renameSync(temp, target);
      return;
    }
    const folder = path.dirname(target);
    const firstCreated = await fs.mkdir(folder, { recursive: true });
    const temp = `${target}.${randomToken(6)}.tmp`;
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    // The rename, and any folder just made, live in their parent folders: without syncing those a power
    // cut after an acknowledged write could leave the old file, or none, behind.
    await syncToDisk(folder);
    if (firstCreated) {
      for (let dir = folder; dir !== path.dirname(firstCreated); dir = path.dirname(dir)) await syncToDisk(path.dirname(dir));
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // Only the folder the prefix is in is read, not the whole store.
    const folder = prefix.includes('/') ? this.pathOf(prefix.slice(0, prefix.lastIndexOf('/') + 1)) : this.root;
    const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
      throw e;
    });
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      const target = this.pathOf(key);
      await fileMutex.run(target, () =>
        fs.rm(target, { force: true }).then(async () => {
          // An emptied folder goes too, so removed segments leave nothing behind.
          await fs.rmdir(path.dirname(target)).catch(() => undefined);
        }),
      );
    }
  }
}

/** fsync of a file or folder (what a rename into it needs to survive a power cut). */
export async function syncToDisk(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
