// Least privilege in the deployed templates: each function's role may do only what its code does, on
// only the resources, prefixes and table items it owns. The deployed shape itself is stacks.test.ts's.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app-fixture.js';

type Built = ReturnType<typeof buildApp>;
type StackKey = keyof Built['templates'];
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
let dev: Built;

beforeAll(() => {
  dev = buildApp('dev');
}, 120_000);

const STACKS: StackKey[] = ['data', 'api', 'site', 'email', 'pipeline', 'ops'];
const resources = (b: Built, stack: StackKey, type: string) =>
  Object.values(b.templates[stack].findResources(type)) as Array<{ Properties: Json }>;

describe('least privilege', () => {
  const statementsOf = (b: Built) =>
    STACKS.flatMap((stack) =>
      resources(b, stack, 'AWS::IAM::Policy').flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Json[]).map((s): Json => ({ ...s, stack, roles: JSON.stringify(p.Properties.Roles) })),
      ),
    );
  const actions = (s: Json) => [s.Action].flat() as string[];
  const roleOf = (s: Json) => (/"Ref":"([A-Za-z]+?)(?:Consumer)?Role/.exec(s.roles)?.[1] ?? s.roles).toLowerCase();
  const of = (role: string) => statementsOf(dev).filter((s) => roleOf(s) === role);
  const keysOf = (role: string, action: string) =>
    of(role)
      .filter((s) => actions(s).includes(action) && s.Condition)
      .map((s) => s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']);
  /** The object patterns a role may PutObject in the site bucket. */
  const siteWrites = (role: string) =>
    of(role)
      .filter((s) => actions(s).includes('s3:PutObject'))
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r))
      .filter((r) => r.includes('-site-'))
      .map((r) => (/-site-.*?\/(.*?)"\]\]\}$/.exec(r)?.[1] ?? r) as string);

  it('has no wildcard action on "*" outside the CDK’s own deployment handler', () => {
    const wild = statementsOf(dev).filter((s) => s.Resource === '*' || actions(s).some((a) => a === '*' || a.endsWith(':*')));
    expect(wild.every((s) => s.stack === 'site' && s.roles.includes('CustomCDKBucketDeployment'))).toBe(true);
  });

  it('gives each function only the services it uses', () => {
    const services = (role: string) => [...new Set(of(role).flatMap((s) => actions(s).map((a) => a.split(':')[0])))].sort();
    // The API mails nothing: it enqueues subscribe requests for email-jobs. It sets embargoes' schedules
    // (scheduler), handing Scheduler the role they run with (iam:PassRole).
    expect(services('api')).toEqual(['dynamodb', 'iam', 'logs', 's3', 'scheduler', 'sqs']);
    expect(services('streamrelay')).toEqual(['dynamodb', 'kms', 'logs', 'sns', 'sqs']);
    expect(services('renderpages')).toEqual(['dynamodb', 'logs', 's3', 'sqs']);
    expect(services('indexsearch')).toEqual(['dynamodb', 'logs', 's3', 'sqs']);
    expect(services('compactsearch')).toEqual(['dynamodb', 'logs', 's3']);
    expect(services('sendemails')).toEqual(['dynamodb', 'logs', 's3', 'sqs']);
    expect(services('emailjobs')).toEqual(['dynamodb', 'logs', 's3', 'ses', 'sqs']);
    expect(services('digests')).toEqual(['dynamodb', 'logs', 'sqs']);
    expect(services('scheduler')).toEqual(['lambda']);
    expect(services('suppressaddresses')).toEqual(['dynamodb', 'logs', 'sqs']);
  });

  it('lets render-pages and index-search write only the site prefixes each owns, never the shell', () => {
    expect(siteWrites('renderpages').sort()).toEqual(
      [
        'index.html',
        'page/*',
        'parties/*',
        'statements/*',
        'countries/*',
        'languages/*',
        'topics/*',
        'archive/*',
        'feed.xml',
        'feed.json',
        'sitemap*',
        'robots.txt',
      ].sort(),
    );
    expect(siteWrites('indexsearch').sort()).toEqual(['search/v2/*']);
    expect(siteWrites('compactsearch').sort()).toEqual(['search/v2/*']);
    // Only the index's writers delete, and only under the index's prefix (retired segments).
    for (const role of ['indexsearch', 'compactsearch'])
      expect(of(role).filter((x) => actions(x).includes('s3:DeleteObject')).length).toBe(1);
    expect(of('renderpages').filter((x) => actions(x).includes('s3:DeleteObject'))).toEqual([]);
    for (const role of ['renderpages', 'indexsearch']) {
      for (const s of of(role).filter((x) => actions(x).includes('s3:PutObject'))) expect(actions(s)).toContain('s3:GetObject');
    }
  });

  it('writes to the table only the items each function owns, by leading key', () => {
    for (const role of ['renderpages', 'indexsearch', 'compactsearch']) {
      for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'])
        expect(keysOf(role, a)).toEqual([['LOCK#*']]);
    }
    // The planner starts mailings; digests only read them (and enqueue their plans).
    for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(keysOf('sendemails', a)).toEqual([['MAILING#*']]);
    expect(keysOf('sendemails', 'dynamodb:DeleteItem')).toEqual([]);
    for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])
      expect(keysOf('digests', a)).toEqual([]);
    // The senders: each family of items only what is done to it. The send ledger; the mailings' progress; the
    // daily counts, added to; subscribers saved by a subscribe request (re-filed: bucket entries deleted).
    expect(keysOf('emailjobs', 'dynamodb:PutItem')).toEqual([['SENT#*'], ['MAILING#*'], ['SUB#*', 'SUBEMAIL#*', 'SUBIDX#*']]);
    expect(keysOf('emailjobs', 'dynamodb:UpdateItem')).toEqual([['SENT#*'], ['MAILING#*'], ['EMAILSTATS']]);
    expect(keysOf('emailjobs', 'dynamodb:DeleteItem')).toEqual([['SENT#*'], ['SUBIDX#*']]);
    expect(keysOf('emailjobs', 'dynamodb:BatchWriteItem')).toEqual([]);
    for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'])
      expect(keysOf('suppressaddresses', a)).toEqual([['SUB#*', 'SUBEMAIL#*', 'SUBIDX#*', 'EMAILSTATS']]);
    for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem']) {
      expect(keysOf('api', a)).toEqual([
        [
          'STMT#*',
          'LISTINGS',
          'LIST#*',
          'IDEMP#*',
          'RATE#*',
          'SUB#*',
          'SUBEMAIL#*',
          'SUBIDX#*',
          'ATT#*',
          'DESKSESSION#*',
          'SCHEDULED#*',
          'KEY#*',
          'KEYSOF#*',
          'AUDIT#*',
        ],
      ]);
    }
    // Confirming and unsubscribing re-file a subscriber (out of buckets it left); the API never changes an
    // address, so it never gives up a claim. An office cancels its scheduled statements.
    expect(keysOf('api', 'dynamodb:DeleteItem')).toEqual([['SUBIDX#*', 'SCHEDULED#*', 'KEY#*']]);
    expect(keysOf('streamrelay', 'dynamodb:UpdateItem')).toEqual([['STMT#*']]);
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    const unconditioned = statementsOf(dev).filter((s) => actions(s).some((a) => writes.includes(a)) && !s.Condition);
    expect(unconditioned).toEqual([]);
  });
});
