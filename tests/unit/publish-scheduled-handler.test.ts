// functions/publish-scheduled, imported as Lambda imports it, on dynalite and s3rver: fired early by its
// one-time schedule, it waits for the statement's time and publishes it then, never before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../shared/platform.js';
import { awsDeps, readAwsSettings } from '../../shared/runtime/aws.js';
import { submitStatement } from '../../shared/services/statements.js';
import { type AwsTestServers, lambdaEnvironment, startAwsTestServers } from '../helpers/aws-servers.js';
import { aStatementInput, DEMO_PARTIES } from '../helpers/factories.js';

let servers: AwsTestServers;
let platform: Platform;

beforeAll(async () => {
  servers = await startAwsTestServers();
  Object.assign(process.env, await lambdaEnvironment(servers));
  platform = awsDeps(readAwsSettings(), { dynamo: servers.dynamo, s3: servers.s3 });
  for (const p of DEMO_PARTIES) await platform.parties.put(p);
});
afterAll(() => servers.stop());

async function scheduleIn(ms: number, title: string) {
  const publishAt = new Date(Date.now() + ms).toISOString();
  const { scheduled } = await submitStatement(platform, 'kke', aStatementInput({ title, publishAt }));
  if (!scheduled) throw new Error('not scheduled');
  return scheduled;
}

describe('functions/publish-scheduled/handler', () => {
  it('fired before the time by its schedule, publishes the statement at the time, not before', async () => {
    const { handler } = await import('../../functions/publish-scheduled/handler.js');
    const scheduled = await scheduleIn(1_500, 'Fired early, published on time');
    const result = await handler({ statementId: scheduled.id, party: 'kke' });
    expect(result).toEqual({ outcome: 'published' });
    const row = await platform.statements.get(scheduled.id);
    expect(row).toMatchObject({ title: 'Fired early, published on time', publishedAt: scheduled.publishAt });
    expect(Date.parse(row?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(scheduled.publishAt));
  });

  it('leaves a statement whose time is further off than it may wait to that statement’s own schedule', async () => {
    const { handler } = await import('../../functions/publish-scheduled/handler.js');
    const scheduled = await scheduleIn(3_600_000, 'Tomorrow');
    expect(await handler({ statementId: scheduled.id, party: 'kke' })).toEqual({ outcome: 'not-due' });
    expect(await platform.statements.get(scheduled.id)).toBeUndefined();
  });

  it('as the backstop, publishes what falls due before its next run', async () => {
    const { handler } = await import('../../functions/publish-scheduled/handler.js');
    const scheduled = await scheduleIn(1_500, 'Caught by the backstop');
    expect(await handler({ due: true })).toEqual({ outcomes: { published: 1 } });
    expect(await platform.statements.get(scheduled.id)).toMatchObject({ publishedAt: scheduled.publishAt });
  });

  it('refuses an event of another shape', async () => {
    const { handler } = await import('../../functions/publish-scheduled/handler.js');
    await expect(handler({ statementId: '' })).rejects.toThrow();
  });
});
