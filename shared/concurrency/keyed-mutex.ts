// A mutex per name within one process: callers of the same name run one after another, in call order.

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last in line removes the entry, so names do not accumulate.
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}
