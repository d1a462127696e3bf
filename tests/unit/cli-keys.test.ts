// The CLI's keys and audit commands on the embedded platform: keys listed with their names and last use,
// the live-key limit, and an office's audit log as the API recorded it.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.js';
import { issuePressKey, MAX_LIVE_KEYS } from '../../shared/domain/press-key.js';
import { cli } from '../helpers/cli.js';
import { aStatementInput, partiesAddArgs } from '../helpers/factories.js';
import { aLocalPlatform, tempDir } from '../helpers/local-platform.js';

const dataDir = tempDir();
beforeAll(async () => {
  process.env.DATA_DIR = dataDir;
  expect((await cli(partiesAddArgs())).code).toBe(0);
  expect((await cli(partiesAddArgs({ id: 'tkp', name: 'Communist Party of Turkey', country: 'TR', language: 'tr' }))).code).toBe(0);
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function issue(party: string, name: string): Promise<{ key: string; keyId: string }> {
  const r = await cli(['keys', 'issue', '--party', party, '--name', name]);
  expect(r.code).toBe(0);
  expect(r.lines[0]).toContain(`"${name}"`);
  const key = r.lines.at(-1) as string;
  return { key, keyId: key.split('_')[1] as string };
}

/** The running platform's API on the same data dir, as `npm start` would serve it beside the CLI. */
async function withApi(use: (app: ReturnType<typeof createApp>) => Promise<void>): Promise<void> {
  const p = await aLocalPlatform({ dataDir });
  try {
    await use(createApp(p));
  } finally {
    p.db.close();
  }
}

const post = (app: ReturnType<typeof createApp>, path: string, key: string, body: unknown) =>
  app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('communique keys', () => {
  it('lists each key with its name, and when it was last used', async () => {
    const used = await issue('kke', 'desk laptop');
    const unused = await issue('kke', 'website CMS');
    await withApi(async (app) => {
      expect((await post(app, '/v1/statements', used.key, aStatementInput())).status).toBe(201);
    });
    const r = await cli(['keys', 'list', '--party', 'kke']);
    expect(r.lines).toHaveLength(2);
    expect(r.lines.find((l) => l.startsWith(used.keyId))).toMatch(/^\w+\tdesk laptop\tcreated \S+\tlast used 20\d\d-\S+Z\tactive$/);
    expect(r.lines.find((l) => l.startsWith(unused.keyId))).toMatch(/\twebsite CMS\t.*\tnever used\tactive$/);
  });

  it('shows a key issued before names as "key <id>"', async () => {
    const p = await aLocalPlatform({ dataDir });
    const legacy = issuePressKey('tkp', new Date('2025-01-01T00:00:00Z')).record;
    await p.keys.put(legacy);
    p.db.close();
    const r = await cli(['keys', 'list', '--party', 'tkp']);
    expect(r.lines[0]).toBe(`${legacy.keyId}\tkey ${legacy.keyId}\tcreated 2025-01-01T00:00:00.000Z\tnever used\tactive`);
  });

  it(`refuses a key beyond ${MAX_LIVE_KEYS} live ones with one line that says how to make room`, async () => {
    const live = (await cli(['keys', 'list', '--party', 'kke'])).lines.filter((l) => l.endsWith('\tactive')).length;
    for (let i = live; i < MAX_LIVE_KEYS; i++) await issue('kke', `spare ${i}`);
    const r = await cli(['keys', 'issue', '--party', 'kke', '--name', 'one too many']);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(`already has ${MAX_LIVE_KEYS} live keys`);
    expect(r.errors[0]).toContain('keys revoke KEY_ID');
  });
});

describe('communique audit', () => {
  it('lists an office’s actions newest first, with the key that did each, and pages with --limit', async () => {
    const office = await issue('tkp', 'press room');
    let id = '';
    await withApi(async (app) => {
      const res = await post(app, '/v1/statements', office.key, aStatementInput({ title: 'On the elections' }));
      id = ((await res.json()) as { id: string }).id;
      expect((await post(app, '/v1/keys', office.key, { name: 'website CMS' })).status).toBe(201);
    });
    const all = await cli(['audit', '--party', 'tkp']);
    expect(all.code).toBe(0);
    expect(all.lines).toHaveLength(2);
    expect(all.lines[0]).toMatch(new RegExp(`^\\S+Z\\tapi\\tpress room \\(${office.keyId}\\)\\tkey\\.create \\w+ "website CMS"`));
    expect(all.lines[1]).toContain(`statement.submit ${id} "On the elections"`);

    const first = await cli(['audit', '--party', 'tkp', '--limit', '1']);
    expect(first.lines[0]).toContain('key.create');
    const next = first.lines.at(-1) as string;
    expect(next).toMatch(/^next: --cursor \S+$/);
    const rest = await cli(['audit', '--party', 'tkp', '--limit', '1', '--cursor', next.split(' ').at(-1) as string]);
    expect(rest.lines).toEqual([all.lines[1]]);
  });

  it('says so when an office has no entries, and refuses a bad --limit', async () => {
    expect((await cli(['audit', '--party', 'nobody'])).lines).toEqual(['no entries for nobody']);
    const bad = await cli(['audit', '--party', 'kke', '--limit', '0']);
    expect(bad.code).toBe(2);
    expect(bad.errors[0]).toContain('invalid --limit');
  });
});
