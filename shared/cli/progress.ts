// Progress of a long CLI operation: a bar on a terminal (cli-progress), a plain line now and then otherwise.
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, note?: string): void;
  stop(): void;
}

/** `total` undefined: the count is not known up front, so the bar shows only what is done. */
export function startProgress(label: string, out: (line: string) => void, total?: number): Progress {
  if (process.stdout.isTTY) {
    const bar = new SingleBar(
      { format: total ? `${label} [{bar}] {value}/{total} {note}` : `${label} {value} {note}`, hideCursor: true, clearOnComplete: false },
      Presets.shades_classic,
    );
    bar.start(total ?? 0, 0, { note: '' });
    return {
      update: (done, note = '') => bar.update(done, { note }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, note = '') {
      if (Date.now() - last < 2_000) return;
      last = Date.now();
      out(`${label}: ${done}${total ? `/${total}` : ''} ${note}`.trimEnd());
    },
    stop: () => undefined,
  };
}
