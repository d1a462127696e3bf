// The CLI in-process: commands act on the embedded platform under DATA_DIR; bad input exits non-zero
// with one line that says what to do.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../shared/cli/program.js';
import { partiesAddArgs } from '../helpers/factories.js';
import { tempDir } from '../helpers/local-platform.js';

const lines: string[] = [];
const out = (l: string) => lines.push(l);
let errors: string[] = [];

beforeAll(() => {
  process.env.DATA_DIR = tempDir();
  vi.spyOn(console, 'error').mockImplementation((l: string) => {
    errors.push(l);
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});

async function cli(...args: string[]) {
  lines.length = 0;
  errors = [];
  return runCli(args, out);
}

describe('communique CLI', () => {
  it('adds and lists parties', async () => {
    expect(await cli(...partiesAddArgs())).toBe(0);
    expect(await cli('parties', 'list')).toBe(0);
    expect(lines).toEqual(['kke\tGR\tel\tCommunist Party of Greece']);
  });

  it('issues a key, alone on the last line, lists and revokes it', async () => {
    expect(await cli('keys', 'issue', '--party', 'kke', '--name', 'desk laptop')).toBe(0);
    const key = lines.at(-1) as string;
    expect(key).toMatch(/^cq_[0-9a-z]{16}_[0-9a-z]{48}$/);
    const keyId = key.split('_')[1] as string;
    expect(await cli('keys', 'list', '--party', 'kke')).toBe(0);
    expect(lines[0]).toMatch(new RegExp(`^${keyId}\\tdesk laptop\\tcreated .*\\tnever used\\tactive$`));
    expect(await cli('keys', 'revoke', keyId)).toBe(0);
    expect(await cli('keys', 'list', '--party', 'kke')).toBe(0);
    expect(lines[0]).toContain('revoked');
  });

  it('adds subscribers with filters', async () => {
    expect(await cli('subscribers', 'add', '--email', 'Reader@Example.org', '--party', 'kke', '--language', 'el')).toBe(0);
    expect(await cli('subscribers', 'list')).toBe(0);
    expect(lines[0]).toMatch(/\treader@example\.org\tkke\t\*\tel\t\*\timmediate\tconfirmed$/);
  });

  it('lists and redrives dead letters', async () => {
    expect(await cli('dlq', 'list')).toBe(0);
    expect(lines).toEqual(['no dead letters']);
    expect(await cli('dlq', 'redrive', '--queue', 'send-emails')).toBe(0);
    expect(lines[0]).toContain('redrove 0');
  });

  it.each([
    [['keys', 'issue', '--party', 'nobody', '--name', 'desk laptop'], 'no party "nobody"'],
    [['keys', 'issue', '--party', 'kke'], 'keys issue needs --name'],
    [['keys', 'issue', '--party', 'kke', '--name', ' '], 'invalid --name'],
    [['keys', 'revoke', '0000000000000000'], 'no key'],
    [['parties', 'add', '--id', 'X', '--name', 'n', '--country', 'GR', '--language', 'el'], 'invalid party (id)'],
    [['subscribers', 'add', '--email', 'not-an-address'], 'invalid subscriber (email)'],
    [['subscribers', 'add', '--email', 'a@b.org', '--party', 'nobody'], 'no party "nobody"'],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    expect(await cli(...args)).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it('exits 2 on an unknown command or a missing option', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await cli('bogus')).toBe(2);
    expect(await cli('keys', 'issue')).toBe(2);
    expect(await cli('dlq', 'list', '--queue', 'nope')).toBe(2);
    write.mockRestore();
  });
});
