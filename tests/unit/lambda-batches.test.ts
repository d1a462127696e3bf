// Each consumer Lambda, imported as Lambda imports it, given one SQS batch of ten records (run in parallel
// by Powertools) and then the same batch again (redelivery): on dynalite, s3rver and an SES stand-in.
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StatementEvent } from '../../shared/domain/events.js';
import type { Statement } from '../../shared/domain/statement.js';
import { newSubscriber } from '../../shared/domain/subscriber.js';
import type { Platform } from '../../shared/platform.js';
import { awsDeps, readAwsSettings } from '../../shared/runtime/aws.js';
import { MANIFEST_KEY, type Manifest } from '../../shared/search/format.js';
import { compactAt } from '../../shared/search/indexer.js';
import { searchIds } from '../../shared/search/store-search.js';
import { submitStatement } from '../../shared/services/statements.js';
import { parseContents } from '../../shared/site/page-contents.js';
import { type AwsTestServers, lambdaEnvironment, startAwsTestServers } from '../helpers/aws-servers.js';
import { aStatementInput, DEMO_PARTIES } from '../helpers/factories.js';
import { lambdaContext, snsInSqsEvent, sqsEvent } from '../helpers/lambda-events.js';
import { type SesStub, startSesStub } from '../helpers/ses-stub.js';

let servers: AwsTestServers;
let ses: SesStub;
let platform: Platform;
const statements: Statement[] = [];
let batch: ReturnType<typeof snsInSqsEvent>;
/** What the functions queued on the EmailJobs queue: SQS has no local server, so its client is the mock. */
const queued: string[] = [];
const sqs = mockClient(SQSClient);
sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string; MessageBody: string }> }) => {
  queued.push(...input.Entries.map((e) => e.MessageBody));
  return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: '' })), Failed: [] };
});
/** The queued jobs, taken off the queue in batches of five as the event source mapping delivers them. */
const takeJobs = () => {
  const bodies = queued.splice(0);
  return Array.from({ length: Math.ceil(bodies.length / 5) }, (_, i) => sqsEvent(bodies.slice(i * 5, i * 5 + 5)));
};

beforeAll(async () => {
  servers = await startAwsTestServers();
  ses = await startSesStub();
  Object.assign(
    process.env,
    await lambdaEnvironment(servers, {
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      EMAIL_JOBS_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/communique-dev-email-jobs',
      // Powertools Logger writes through the global console, where the test can read it.
      POWERTOOLS_DEV: 'true',
    }),
  );
  platform = awsDeps(readAwsSettings(), { dynamo: servers.dynamo, s3: servers.s3 });
  for (const p of DEMO_PARTIES) await platform.parties.put(p);
  for (const email of ['ana@example.org', 'bo@example.org']) {
    await platform.subscribers.put(newSubscriber({ email, parties: [], languages: [] }, new Date('2026-01-01T00:00:00Z')));
  }
  for (let i = 0; i < 10; i++) {
    const party = DEMO_PARTIES[i % DEMO_PARTIES.length]?.id as string;
    statements.push((await submitStatement(platform, party, aStatementInput({ title: `Harbour strike day ${i}` }))).statement);
  }
  const events: StatementEvent[] = statements.map((s) => ({
    type: 'statement.published',
    statementId: s.id,
    version: 1,
    party: s.party,
    occurredAt: s.createdAt,
  }));
  batch = snsInSqsEvent(events);
});
afterAll(async () => {
  sqs.restore();
  await servers.stop();
  await ses.stop();
});

const text = async (key: string) => Buffer.from((await platform.site.get(key)) ?? []).toString('utf8');

describe('a batch of ten records, then the same batch again', () => {
  it('render-pages: every statement on the home page and its party page, no failures', async () => {
    const { handler } = await import('../../functions/render-pages/handler.js');
    expect((await handler(batch, lambdaContext)).batchItemFailures).toEqual([]);
    expect((await handler(batch, lambdaContext)).batchItemFailures).toEqual([]);
    const home = parseContents(await text('index.html'));
    const idOf = (key: string) => key.split('#')[1];
    expect(home?.entries.map((e) => idOf(e.key)).sort()).toEqual(statements.map((s) => s.id).sort());
    for (const s of statements)
      expect(parseContents(await text(`parties/${s.party}/index.html`))?.entries.map((e) => idOf(e.key))).toContain(s.id);
  });

  it('index-search: every statement found by a word they share, no failures', async () => {
    const { handler } = await import('../../functions/index-search/handler.js');
    expect((await handler(batch, lambdaContext)).batchItemFailures).toEqual([]);
    expect((await handler(batch, lambdaContext)).batchItemFailures).toEqual([]);
    expect((await searchIds(platform.site, 'harbour')).sort()).toEqual(statements.map((s) => s.id).sort());
  });

  it('send-emails plans, email-jobs sends: each subscriber gets each statement once through SES, redelivery sends nothing', async () => {
    const { handler: plan } = await import('../../functions/send-emails/handler.js');
    const { handler: send } = await import('../../functions/email-jobs/handler.js');
    expect((await plan(batch, lambdaContext)).batchItemFailures).toEqual([]);
    const jobs = takeJobs();
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect((await send(job, lambdaContext)).batchItemFailures).toEqual([]);
    expect(ses.sent).toHaveLength(20);
    // Both batches delivered again: the mailings are done, and every recipient is in the ledger.
    expect((await plan(batch, lambdaContext)).batchItemFailures).toEqual([]);
    expect(queued).toEqual([]);
    for (const job of jobs) expect((await send(job, lambdaContext)).batchItemFailures).toEqual([]);
    expect(ses.sent).toHaveLength(20);
    for (const s of statements) expect(ses.sent.filter((m) => m.raw.includes(`Message-ID: <${s.id}.v1.`))).toHaveLength(2);
  });

  it('suppress-addresses: ten bounces at once stop mail to all ten readers, and again changes nothing', async () => {
    const { handler } = await import('../../functions/suppress-addresses/handler.js');
    const readers = Array.from({ length: 10 }, (_, i) =>
      newSubscriber({ email: `gone${i}@example.org`, parties: [], languages: [] }, new Date()),
    );
    for (const r of readers) await platform.subscribers.put(r);
    const mail = { messageId: '0100018c-abc', timestamp: '2026-11-29T00:00:00.000Z', source: 'statements@example.org', destination: [] };
    const feedback = snsInSqsEvent(
      readers.map((r) => ({
        eventType: 'Bounce',
        mail,
        bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: r.email }] },
      })),
    );
    expect((await handler(feedback, lambdaContext)).batchItemFailures).toEqual([]);
    expect((await handler(feedback, lambdaContext)).batchItemFailures).toEqual([]);
    for (const r of readers) expect((await platform.subscribers.get(r.id))?.suppressedFor, r.email).toBe('bounce');
  });

  it('logs a failed record with its statement id, correlation id and error, and reports only it', async () => {
    const { handler } = await import('../../functions/render-pages/handler.js');
    const missing = {
      type: 'statement.published',
      statementId: 'no-such-statement',
      version: 1,
      party: 'kke',
      occurredAt: '2026-11-29T00:00:00.000Z',
    };
    const event = snsInSqsEvent([
      missing,
      { type: 'statement.published', statementId: statements[0]?.id, version: 1, party: 'kke', occurredAt: statements[0]?.createdAt },
    ]);
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
    const res = await handler(event, lambdaContext);
    spy.mockRestore();
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    const entry = JSON.parse(logged.find((l) => l.includes('record failed')) as string);
    expect(entry).toMatchObject({
      level: 'ERROR',
      statementId: 'no-such-statement',
      messageId: event.Records[0]?.messageId,
      correlationId: JSON.parse(event.Records[0]?.body as string).MessageId,
    });
    expect(JSON.stringify(entry.error)).toContain('No statement');
  });
});

describe('compact-search, on its schedule', () => {
  it('does nothing while the delta is small; once it has grown, merges it into one base with every statement', async () => {
    const { handler: compact } = await import('../../functions/compact-search/handler.js');
    const { handler: index } = await import('../../functions/index-search/handler.js');
    const manifest = async () => JSON.parse(await text(MANIFEST_KEY)) as Manifest;
    expect(await compact()).toEqual({ compacted: false, deltaStatements: 10 });
    const more: StatementEvent[] = [];
    for (let i = 0; i < compactAt(0) - 5; i++) {
      const s = (await submitStatement(platform, 'kke', aStatementInput({ title: `Harbour strike night ${i}` }))).statement;
      more.push({ type: 'statement.published', statementId: s.id, version: 1, party: s.party, occurredAt: s.createdAt });
    }
    expect((await index(snsInSqsEvent(more), lambdaContext)).batchItemFailures).toEqual([]);
    // The consumer never merges (it would read the whole archive within a consumer's timeout).
    expect((await manifest()).delta?.docs).toBe(10 + more.length);
    expect(await compact()).toEqual({ compacted: true, deltaStatements: 10 + more.length });
    const after = await manifest();
    expect(after.base?.docs).toBe(10 + more.length);
    expect(after.delta).toBeUndefined();
    expect(await searchIds(platform.site, 'harbour')).toHaveLength(10 + more.length);
    expect(await compact()).toEqual({ compacted: false, deltaStatements: 0 });
  }, 60_000);
});

describe("a send job and the function's timeout", () => {
  it('email-jobs: a batch cut short by the function running out of time hands the rest to new jobs, which mail only the rest', async () => {
    const { handler: plan } = await import('../../functions/send-emails/handler.js');
    const { handler: send } = await import('../../functions/email-jobs/handler.js');
    const readers = Array.from({ length: 120 }, (_, i) =>
      newSubscriber({ email: `jcp${i}@example.org`, parties: ['jcp'] }, new Date('2026-01-01')),
    );
    await platform.subscribers.putMany(readers);
    const { statement } = await submitStatement(platform, 'jcp', aStatementInput({ title: 'To the readers of the JCP' }));
    const event = { type: 'statement.published', statementId: statement.id, version: 1, party: 'jcp', occurredAt: statement.createdAt };
    expect((await plan(snsInSqsEvent([event]), lambdaContext)).batchItemFailures).toEqual([]);
    const [jobs] = takeJobs();
    // Three jobs of 50 for the readers of the party, one for the readers of everything.
    expect(jobs?.Records).toHaveLength(4);
    const before = ses.sent.length;
    // SES answers in 250 ms and the invocation has 6 s left, of which the handler keeps 5 s back: about
    // three rounds of eight sends per job fit, not all 122 recipients.
    ses.delayMs = 250;
    const short = { ...lambdaContext, getRemainingTimeInMillis: () => 6_000 };
    const cut = await send(jobs as never, short);
    ses.delayMs = 0;
    const partly = ses.sent.length - before;
    expect(partly).toBeGreaterThan(0);
    expect(partly).toBeLessThan(readers.length + 2);
    // No record fails (no retry is spent): what was not sent went back to the queue as new jobs.
    expect(cut.batchItemFailures).toEqual([]);
    const rest = takeJobs();
    expect(rest.length).toBeGreaterThan(0);
    for (const more of rest) expect((await send(more, lambdaContext)).batchItemFailures).toEqual([]);
    const mailed = ses.sent.slice(before).flatMap((m) => m.to);
    expect(mailed.sort()).toEqual([...readers.map((r) => r.email), 'ana@example.org', 'bo@example.org'].sort());
  });
});
