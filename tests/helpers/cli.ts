// Runs the CLI in-process and captures what it prints: lines on stdout, error lines on stderr, exit code.
import { vi } from 'vitest';
import { runCli } from '../../shared/cli/program.js';

export async function cli(args: string[], aws?: Parameters<typeof runCli>[2]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((l: string) => void errors.push(l));
  try {
    const code = await runCli(args, (l) => lines.push(l), aws);
    return { code, lines, errors };
  } finally {
    spy.mockRestore();
  }
}
