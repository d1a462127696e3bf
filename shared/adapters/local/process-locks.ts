// Locks for the embedded platform: one process (npm start) owns the site, so an in-process mutex per
// name is mutual exclusion for every writer there is.
import { KeyedMutex } from '../../concurrency/keyed-mutex.js';
import type { Locks } from '../../ports.js';

export class ProcessLocks implements Locks {
  private readonly mutex = new KeyedMutex();
  withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(name, work);
  }
}
