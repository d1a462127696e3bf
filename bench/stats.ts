// Small helpers of the benchmark scripts: percentiles, rounding, progress on stderr.

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export const round = (n: number) => Math.round(n * 10) / 10;

export function progress(label: string, done: number, total: number): void {
  if (process.stderr.isTTY) {
    process.stderr.write(`\r${label}: ${done}/${total}${done === total ? '\n' : ''}`);
  } else if (done === total || done % Math.ceil(total / 5) === 0) {
    process.stderr.write(`${label}: ${done}/${total}\n`);
  }
}
