// `communique import`: an archive in the format of ../shared/bench/make-corpus.mjs, imported whole,
// again (nothing changes), with bad lines (reported by number, skipped, nothing half-written), and on AWS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatementEvent } from '../../shared/domain/events.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { localDeps, readLocalSettings } from '../../shared/runtime/local.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/local-platform.js';
import { mailEvent } from '../helpers/mail.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const corpus = tempDir('communique-corpus-');
const PARTIES = path.join(corpus, 'parties.json');
const STATEMENTS = path.join(corpus, 'statements.jsonl');
type Line = {
  id: string;
  party: string;
  cosigners: string[];
  publishedAt: string;
  countries: string[];
  translationOf: string | null;
  title: string;
  language: string;
};
let lines: Line[];

beforeAll(() => {
  // Seed 3 and 60 statements hold joint statements and translations.
  execFileSync(process.execPath, [path.join(ROOT, '../shared/bench/make-corpus.mjs'), '--count', '60', '--seed', '3', '--out', corpus], {
    cwd: ROOT,
  });
  lines = fs
    .readFileSync(STATEMENTS, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
});

describe('import into the embedded platform', () => {
  beforeAll(() => {
    process.env.DATA_DIR = tempDir();
    process.env.DEMO_DATA = 'off';
  });
  const platform = () => localDeps(readLocalSettings());

  it('stores every statement under its own id, as it was published, and saves the parties', async () => {
    const r = await cli(['import', '--parties', PARTIES, '--statements', STATEMENTS]);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toMatch(/^imported 60 statement\(s\), 0 already there, 0 bad line\(s\) skipped; 121 parties saved/);
    const p = platform();
    const joint = lines.find((l) => l.cosigners.length > 0) as Line;
    const translation = lines.find((l) => l.translationOf) as Line;
    expect(joint && translation).toBeTruthy();
    const stored = await readStatement(p, joint.id);
    expect(stored).toMatchObject({ id: joint.id, party: joint.party, cosigners: joint.cosigners, invited: [], countries: joint.countries });
    expect(stored?.publishedAt).toBe(new Date(joint.publishedAt).toISOString());
    expect(stored?.signatures.map((s) => s.party)).toEqual(joint.cosigners);
    expect((await readStatement(p, translation.id))?.translationOf).toBe(translation.translationOf);
    // The statement it translates lists it, with its language: pages link the two.
    expect((await readStatement(p, translation.translationOf as string))?.translations).toContainEqual(
      expect.objectContaining({ id: translation.id, language: translation.language }),
    );
    expect((await p.parties.get(joint.party))?.short).toBeTruthy();
    // Its joint statements are listed for every signer.
    expect((await p.statements.list({ party: joint.cosigners[0] as string, limit: 100 })).items.map((s) => s.id)).toContain(joint.id);
    p.db.close();
  });

  it('renders and indexes the imported statements, and mails nobody', async () => {
    const p = platform();
    const events = (p.db.prepare('SELECT event FROM outbox').all() as Array<{ event: string }>).map(
      (r) => JSON.parse(r.event) as StatementEvent,
    );
    // One event per statement, and one per translation listed on its original: all imports, mailed to nobody.
    expect(events).toHaveLength(60 + lines.filter((l) => l.translationOf).length);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['statement.imported']));
    await p.subscribers.put(newSubscriber({ email: 'all@example.org', parties: [], languages: [] }, new Date('2000-01-01T00:00:00Z')));
    expect((await mailEvent(p, events[0] as StatementEvent)).sent).toEqual([]);
    p.db.close();
  });

  it('changes nothing when the same archive is imported again', async () => {
    const r = await cli(['import', '--parties', PARTIES, '--statements', STATEMENTS]);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toContain('imported 0 statement(s), 60 already there');
    const p = platform();
    expect(p.queues.outboxDepth()).toBe(60 + lines.filter((l) => l.translationOf).length);
    p.db.close();
  });

  it('reports bad lines by number, skips them whole, imports the rest and exits 1', async () => {
    const good = (id: string) => JSON.stringify({ ...lines[0], id, cosigners: [], translationOf: null });
    const file = path.join(tempDir(), 'bad.jsonl');
    fs.writeFileSync(
      file,
      [
        good('bad-file-ok-1'),
        '{"id": "half a line',
        JSON.stringify({ ...JSON.parse(good('bad-file-2')), party: 'no-such-party' }),
        JSON.stringify({ ...JSON.parse(good('bad-file-3')), title: '' }),
        JSON.stringify({ ...JSON.parse(good('bad-file-4')), cosigners: ['nobody-here'] }),
        JSON.stringify({ ...JSON.parse(good('bad-file-5')), body: '<script>alert(1)</script>', id: 'Not An Id' }),
        good('bad-file-ok-2'),
        good('bad-file-ok-2'),
      ].join('\n'),
    );
    const r = await cli(['import', '--parties', PARTIES, '--statements', file]);
    expect(r.code).toBe(1);
    expect(r.errors.filter((l) => l.startsWith('line ')).map((l) => l.split(':')[0])).toEqual([
      'line 2',
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 8',
    ]);
    expect(r.errors.find((l) => l.startsWith('line 3'))).toContain('no-such-party');
    expect(r.errors.find((l) => l.startsWith('line 8'))).toContain('the same id as line 7');
    expect(r.errors.at(-1)).toContain('6 line(s) were not imported');
    const p = platform();
    for (const id of ['bad-file-ok-1', 'bad-file-ok-2']) expect(await p.statements.get(id)).toBeDefined();
    for (const id of ['bad-file-2', 'bad-file-3', 'bad-file-4']) {
      expect(await p.statements.get(id)).toBeUndefined();
      expect(await p.blobs.get(`statements/${id}/v1.json`)).toBeUndefined();
    }
    p.db.close();
  });

  it('refuses a parties file with a bad party, naming it, before importing anything', async () => {
    const file = path.join(tempDir(), 'parties.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { id: 'ok-party', name: 'A party', country: 'GR', language: 'el' },
        { id: 'x', name: 'B' },
      ]),
    );
    const r = await cli(['import', '--parties', file, '--statements', STATEMENTS]);
    expect(r.code).toBe(2);
    expect(r.errors[0]).toMatch(/party 2: .*nothing was imported/);
    const p = platform();
    expect(await p.parties.get('ok-party')).toBeUndefined();
    p.db.close();
  });
});

describe('import --target aws', () => {
  let servers: AwsTestServers;
  let table: string;
  let bucket: string;
  beforeAll(async () => {
    servers = await startAwsTestServers();
    table = await servers.newTable();
    bucket = await servers.newBucket();
  });
  afterAll(() => servers.stop());

  it('stores the statements in the stage’s table and content bucket, found through its stack outputs', async () => {
    const outputs: Record<string, Array<{ OutputKey: string; OutputValue: string }>> = {
      'Communique-dev-Data': [
        { OutputKey: 'TableName', OutputValue: table },
        { OutputKey: 'ContentBucketName', OutputValue: bucket },
      ],
      'Communique-dev-Site': [{ OutputKey: 'SiteUrl', OutputValue: 'https://statements.example.org' }],
    };
    const cloudFormation = {
      send: async (c: { input: { StackName: string } }) => ({ Stacks: [{ Outputs: outputs[c.input.StackName] ?? [] }] }),
    };
    const few = path.join(tempDir(), 'few.jsonl');
    fs.writeFileSync(few, `${fs.readFileSync(STATEMENTS, 'utf8').split('\n').slice(0, 8).join('\n')}\n`);
    const r = await cli(['--target', 'aws', '--stage', 'dev', 'import', '--parties', PARTIES, '--statements', few], {
      cloudFormation: cloudFormation as never,
      dynamo: servers.dynamo,
      s3: servers.s3,
    });
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toContain('imported 8 statement(s)');
    const p = awsDeps(
      {
        TABLE_NAME: table,
        CONTENT_BUCKET: bucket,
        SITE_URL: 'https://statements.example.org',
        MAIL_FROM: 'x@example.org',
        S3_FORCE_PATH_STYLE: 'true',
      },
      { dynamo: servers.dynamo, s3: servers.s3 },
    );
    const first = lines[0] as Line;
    expect((await readStatement(p, first.id))?.title).toBe(first.title);
  });
});
