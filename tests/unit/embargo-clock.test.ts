// The local worker's embargo timer: it sleeps until the earliest publishAt (woken when the API schedules one
// sooner than it would look again), and as it starts it publishes what a killed process left claimed.
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbargoClock, startEmbargoClock } from '../../shared/runtime/embargo-clock.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';
import { waitFor } from '../helpers/platform-process.js';

type P = Awaited<ReturnType<typeof aLocalPlatform>>;
let p: P | undefined;
let clock: EmbargoClock | undefined;
const errors: unknown[] = [];

afterEach(async () => {
  await clock?.stop();
  p?.cleanup();
  expect(errors).toEqual([]);
});

async function scheduleIn(platform: P, ms: number) {
  const { scheduled } = await submitStatement(platform, 'kke', aStatementInput({ publishAt: new Date(Date.now() + ms).toISOString() }));
  if (!scheduled) throw new Error('not scheduled');
  return scheduled;
}

describe('the embargo clock', () => {
  it('publishes at its time a statement scheduled while it slept, woken by the scheduling', async () => {
    p = await aLocalPlatform();
    // It would look again only in a minute: only the wake-up can have it publish on time.
    clock = startEmbargoClock(p, (e) => errors.push(e), 60_000);
    await new Promise((r) => setTimeout(r, 100));
    const scheduled = await scheduleIn(p, 1_200);
    const row = await waitFor('the publication', async () => p?.statements.get(scheduled.id), 3_000);
    expect(Date.parse(row.createdAt)).toBeGreaterThanOrEqual(Date.parse(scheduled.publishAt));
    expect(Date.now() - Date.parse(scheduled.publishAt)).toBeLessThan(500);
  });

  it('as it starts, publishes at once what a killed process had claimed and not finished', async () => {
    p = await aLocalPlatform();
    const scheduled = await scheduleIn(p, 1_100);
    await new Promise((r) => setTimeout(r, 1_200));
    const record = await p.scheduled.get('kke', scheduled.id);
    if (!record) throw new Error('no record');
    const claimedAt = new Date().toISOString();
    expect(await p.scheduled.replace({ ...record, state: 'publishing', revision: 2, updatedAt: claimedAt, claimedAt }, 1)).toBe(true);

    clock = startEmbargoClock(p, (e) => errors.push(e));
    await waitFor('the publication', async () => p?.statements.get(scheduled.id), 1_000);
    expect(await p.scheduled.get('kke', scheduled.id)).toBeUndefined();
  });
});
