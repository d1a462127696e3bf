// Each consumer Lambda, imported as Lambda imports it, given one SQS batch of ten records (run in parallel
// by Powertools) and then the same batch again (redelivery): on dynalite, s3rver and an SES stand-in.
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
import { lambdaContext, snsInSqsEvent } from '../helpers/lambda-events.js';
import { type SesStub, startSesStub } from '../helpers/ses-stub.js';

let servers: AwsTestServers;
let ses: SesStub;
let platform: Platform;
const statements: Statement[] = [];
let batch: ReturnType<typeof snsInSqsEvent>;

beforeAll(async () => {
  servers = await startAwsTestServers();
  ses = await startSesStub();
  Object.assign(
    process.env,
    await lambdaEnvironment(servers, {
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
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

  it('send-emails: each subscriber gets each statement once through SES, redelivery sends nothing', async () => {
    const { handler } = await import('../../functions/send-emails/handler.js');
    expect((await handler(batch, lambdaContext)).batchItemFailures).toEqual([]);
    expect(ses.sent).toHaveLength(20);
    expect((await handler(batch, lambdaContext)).batchItemFailures).toEqual([]);
    expect(ses.sent).toHaveLength(20);
    for (const s of statements) expect(ses.sent.filter((m) => m.raw.includes(`/statements/${s.id}/`))).toHaveLength(2);
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
