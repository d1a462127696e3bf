// ObjectStore on the file system: atomic, durable writes (temp file, fsync, rename, fsync of the folder) under one root folder.
// Conditional puts compare a hash of the file's bytes (its entity tag) under a per-file mutex.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { KeyedMutex } from '../../concurrency/keyed-mutex.js';
import { randomToken } from '../../domain/ids.js';
import { PreconditionFailedError } from '../../errors.js';
import type { ObjectStore, PutCondition, VersionedObject } from '../../ports.js';

/** Shared by every store of this process, so two stores on one folder still check and write one at a time. */
const fileMutex = new KeyedMutex();

export function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
}

export class FileObjectStore implements ObjectStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    const normalized = path.posix.normalize(key).replace(/^\/+/, '');
    if (normalized.startsWith('..') || normalized === '' || normalized === '.') throw new Error(`unsafe object key "${key}"`);
    return path.join(this.root, normalized);
  }

  async put(key: string, body: string | Uint8Array, _contentType: string, condition?: PutCondition): Promise<void> {
    const target = this.pathOf(key);
    await fileMutex.run(target, async () => {
      const current = condition ? await this.read(key) : undefined;
      const holds = !condition || ('ifMatch' in condition ? current?.etag === condition.ifMatch : current === undefined);
      if (!holds) throw new PreconditionFailedError(`${key} changed since it was read`);
      await this.write(target, body);
    });
  }

  async read(key: string): Promise<VersionedObject | undefined> {
    const body = await this.get(key);
    return body ? { body, etag: etagOf(body) } : undefined;
  }

  private async write(target: string, body: string | Uint8Array): Promise<void> {
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
    await syncFolder(folder);
    if (firstCreated) {
      for (let dir = folder; dir !== path.dirname(firstCreated); dir = path.dirname(dir)) await syncFolder(path.dirname(dir));
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
    const entries = await fs.readdir(this.root, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((k) => k.startsWith(prefix))
      .sort();
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
