// Embargoes on both adapter sets: a statement scheduled ahead is kept apart, invisible, until it is
// published at its time, once, however many publishers race or die; its office can change or cancel it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledTarget } from '../../shared/domain/scheduled.js';
import { ConflictError, NotFoundError, PreconditionRequiredError, ValidationError, VersionMismatchError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import type { EmbargoTimer } from '../../shared/ports.js';
import { retractStatement } from '../../shared/services/corrections.js';
import { type PublishOutcome, publishDue, publishScheduled } from '../../shared/services/publish-scheduled.js';
import { readStatement } from '../../shared/services/read-statement.js';
import { changeScheduled } from '../../shared/services/scheduled-changes.js';
import { cancelScheduled, getScheduled, listScheduled } from '../../shared/services/scheduling.js';
import { submitStatement } from '../../shared/services/statements.js';
import { adapterSets } from '../helpers/adapter-sets.js';
import { aStatementInput } from '../helpers/factories.js';

const adapters = adapterSets();
beforeAll(() => adapters.start());
afterAll(() => adapters.stop());

const START = Date.parse('2026-12-01T09:00:00.000Z');
const HOUR = 3_600_000;
const at = (ms: number) => new Date(START + ms).toISOString();

/** What a timer was asked to do, in order. */
function recordingTimer(): EmbargoTimer & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    set: async (t: ScheduledTarget, publishAt: string) => void calls.push(`set ${t.id} ${publishAt}`),
    clear: async (t: ScheduledTarget) => void calls.push(`clear ${t.id}`),
  };
}

describe.each(adapters.sets)('scheduled statements on the $name', (set) => {
  /** A fresh platform whose clock the test moves, with a timer that records. */
  async function aPlatform() {
    const clock = { ms: START, now: () => new Date(clock.ms) };
    const timer = recordingTimer();
    const p: Platform = { ...(await set.make()), clock, embargoTimer: timer };
    return { p, clock, timer };
  }

  async function schedule(p: Platform, publishAt = at(HOUR), overrides = {}) {
    const submission = await submitStatement(p, 'kke', aStatementInput({ publishAt, ...overrides }));
    const view = submission.scheduled;
    if (!view) throw new Error('expected the statement to be scheduled');
    return { ...submission, view, target: { id: view.id, party: 'kke' } };
  }

  it('keeps a statement with a publishAt ahead as scheduled, and publishes nothing of it', async () => {
    const { p, timer } = await aPlatform();
    const { view, created } = await schedule(p);
    expect(created).toBe(true);
    expect(view).toMatchObject({ state: 'scheduled', party: 'kke', publishAt: at(HOUR), revision: 1 });
    expect(await p.statements.get(view.id)).toBeUndefined();
    expect(await readStatement(p, view.id)).toBeUndefined();
    expect((await p.statements.list({ limit: 10 })).items).toEqual([]);
    expect((await p.statements.list({ party: 'kke', limit: 10 })).items).toEqual([]);
    expect((await p.statements.listStoredSince({ since: at(-HOUR), limit: 10 })).items).toEqual([]);
    expect(await p.listings.newest('home', 10)).toMatchObject({ entries: [] });
    expect(timer.calls).toEqual([`set ${view.id} ${at(HOUR)}`]);
  });

  it('lets only its own office read and list it, in the order it scheduled them', async () => {
    const { p, clock } = await aPlatform();
    const { view } = await schedule(p, at(HOUR), { title: 'Under embargo until the congress' });
    expect((await getScheduled(p, 'kke', view.id))?.input).toMatchObject({
      title: 'Under embargo until the congress',
      publishAt: at(HOUR),
    });
    expect(await getScheduled(p, 'tkp', view.id)).toBeUndefined();
    expect((await listScheduled(p, 'tkp', { limit: 10 })).items).toEqual([]);

    clock.ms += 1_000;
    await schedule(p, at(2 * HOUR));
    clock.ms += 1_000;
    await schedule(p, at(3 * HOUR));
    const first = await listScheduled(p, 'kke', { limit: 2 });
    expect(first.items.map((s) => s.publishAt)).toEqual([at(HOUR), at(2 * HOUR)]);
    expect(first.items[0]?.input).toBeUndefined();
    const second = await listScheduled(p, 'kke', { limit: 2, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
    expect(second.items.map((s) => s.publishAt)).toEqual([at(3 * HOUR)]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('answers a retry with the same Idempotency-Key with the statement it scheduled', async () => {
    const { p } = await aPlatform();
    const input = aStatementInput({ publishAt: at(HOUR) });
    const first = await submitStatement(p, 'kke', input, 'embargo-1');
    const again = await submitStatement(p, 'kke', input, 'embargo-1');
    expect(again.created).toBe(false);
    expect(again.scheduled?.id).toBe(first.scheduled?.id);
    expect((await listScheduled(p, 'kke', { limit: 10 })).items).toHaveLength(1);
  });

  it('refuses a publishAt beside a publishedAt, or more than a year ahead, and publishes one less than a second ahead at once', async () => {
    const { p } = await aPlatform();
    await expect(submitStatement(p, 'kke', aStatementInput({ publishAt: at(HOUR), publishedAt: at(-HOUR) }))).rejects.toThrow(
      ValidationError,
    );
    await expect(submitStatement(p, 'kke', aStatementInput({ publishAt: at(367 * 24 * HOUR) }))).rejects.toThrow(ValidationError);
    const now = await submitStatement(p, 'kke', aStatementInput({ publishAt: at(500) }));
    expect(now.scheduled).toBeUndefined();
    expect(await p.statements.get(now.statement.id)).toBeDefined();
  });

  it('changes it with If-Match naming its current ETag: 428 without, 412 with a stale one', async () => {
    const { p, timer } = await aPlatform();
    const { view } = await schedule(p);
    const changed = aStatementInput({ title: 'The corrected embargoed title', publishAt: at(2 * HOUR) });
    await expect(changeScheduled(p, 'kke', view.id, changed, undefined)).rejects.toThrow(PreconditionRequiredError);
    await expect(changeScheduled(p, 'kke', view.id, changed, '"s7"')).rejects.toThrow(VersionMismatchError);
    await expect(changeScheduled(p, 'tkp', view.id, changed, '"s1"')).rejects.toThrow(NotFoundError);

    const next = await changeScheduled(p, 'kke', view.id, changed, '"s1"');
    expect(next).toMatchObject({ revision: 2, title: 'The corrected embargoed title', publishAt: at(2 * HOUR), state: 'scheduled' });
    expect((await getScheduled(p, 'kke', view.id))?.input?.title).toBe('The corrected embargoed title');
    expect(timer.calls.at(-1)).toBe(`set ${view.id} ${at(2 * HOUR)}`);
    await expect(changeScheduled(p, 'kke', view.id, changed, '"s1"')).rejects.toThrow(VersionMismatchError);
    await expect(changeScheduled(p, 'kke', view.id, { ...changed, publishAt: at(0) }, '"s2"')).rejects.toThrow(ValidationError);
  });

  it('cancels it: gone, its timer cleared, and nothing is ever published', async () => {
    const { p, clock, timer } = await aPlatform();
    const { view, target } = await schedule(p);
    await expect(cancelScheduled(p, 'kke', view.id, '"s9"')).rejects.toThrow(VersionMismatchError);
    await expect(cancelScheduled(p, 'tkp', view.id)).rejects.toThrow(NotFoundError);
    await cancelScheduled(p, 'kke', view.id);
    expect(timer.calls.at(-1)).toBe(`clear ${view.id}`);
    expect(await getScheduled(p, 'kke', view.id)).toBeUndefined();
    expect(await p.blobs.list(`scheduled/${view.id}/`)).toEqual([]);
    clock.ms += 2 * HOUR;
    expect(await publishScheduled(p, target)).toBe('absent');
    expect(await p.statements.get(view.id)).toBeUndefined();
  });

  it('publishes it once at its time, dated publishAt, however many publishers race', async () => {
    const { p, clock } = await aPlatform();
    const { view, target } = await schedule(p, at(HOUR), { title: 'Released at nine' });
    expect(await publishScheduled(p, target)).toBe('not-due');
    clock.ms += HOUR;
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => publishScheduled(p, target)));
    expect(outcomes.filter((o) => o === 'published')).toHaveLength(1);
    expect(outcomes.every((o) => ['published', 'busy', 'absent'].includes(o))).toBe(true);
    expect(await publishScheduled(p, target)).toBe('absent');

    const published = await readStatement(p, view.id);
    expect(published).toMatchObject({ id: view.id, version: 1, title: 'Released at nine', publishedAt: at(HOUR) });
    expect((await p.statements.listStoredSince({ since: at(-HOUR), limit: 10 })).items.map((r) => r.event.type)).toEqual([
      'statement.published',
    ]);
    expect(await getScheduled(p, 'kke', view.id)).toBeUndefined();
    expect(await p.blobs.list(`scheduled/${view.id}/`)).toEqual([]);
  });

  it('answers changes and cancellations 409 once it is being published or published', async () => {
    const { p, clock } = await aPlatform();
    const { view, target } = await schedule(p);
    const record = await p.scheduled.get('kke', view.id);
    if (!record) throw new Error('no record');
    const claim = { ...record, state: 'publishing' as const, revision: 2, updatedAt: at(HOUR), claimedAt: at(HOUR) };
    expect(await p.scheduled.replace(claim, 1)).toBe(true);
    const input = aStatementInput({ publishAt: at(2 * HOUR) });
    await expect(changeScheduled(p, 'kke', view.id, input, '"s2"')).rejects.toThrow(ConflictError);
    await expect(cancelScheduled(p, 'kke', view.id)).rejects.toThrow(ConflictError);

    clock.ms += HOUR + 61_000;
    expect(await publishScheduled(p, target)).toBe('published');
    await expect(changeScheduled(p, 'kke', view.id, input, '"s3"')).rejects.toThrow(/published already/);
    await expect(cancelScheduled(p, 'kke', view.id)).rejects.toThrow(ConflictError);
  });

  it('publishes again after a publisher died between its steps, once its claim is stale, storing nothing twice', async () => {
    const { p, clock } = await aPlatform();
    const { view, target } = await schedule(p);
    clock.ms += HOUR;
    // The dead publisher claimed it and stored the statement, but never removed the record.
    const record = await p.scheduled.get('kke', view.id);
    if (!record) throw new Error('no record');
    expect(await p.scheduled.replace({ ...record, state: 'publishing', revision: 2, updatedAt: at(HOUR), claimedAt: at(HOUR) }, 1)).toBe(
      true,
    );
    const input = (await getScheduled(p, 'kke', view.id))?.input;
    const { publishAt: _publishAt, ...rest } = input ?? {};
    await submitStatement(p, 'kke', { ...rest, publishedAt: at(HOUR) }, undefined, { id: view.id, now: new Date(START + HOUR) });

    expect(await publishScheduled(p, target)).toBe('busy');
    clock.ms += 61_000;
    expect(await publishDue(p)).toEqual({ published: 1 });
    expect(await p.scheduled.get('kke', view.id)).toBeUndefined();
    expect((await p.statements.listStoredSince({ since: at(-HOUR), limit: 10 })).items).toHaveLength(1);
    expect(await readStatement(p, view.id)).toMatchObject({ version: 1, createdAt: at(HOUR), publishedAt: at(HOUR) });
  });

  it('publishes what is due and leaves what is not', async () => {
    const { p, clock } = await aPlatform();
    const soon = await schedule(p, at(10_000));
    const later = await schedule(p, at(HOUR));
    clock.ms += 20_000;
    const outcomes: Partial<Record<PublishOutcome, number>> = await publishDue(p);
    expect(outcomes).toEqual({ published: 1 });
    expect(await p.statements.get(soon.view.id)).toBeDefined();
    expect(await p.statements.get(later.view.id)).toBeUndefined();
    expect((await listScheduled(p, 'kke', { limit: 10 })).items.map((s) => s.id)).toEqual([later.view.id]);
  });

  it('keeps one whose input no longer holds at its time as failed, with the reason, until the office changes it', async () => {
    const { p, clock } = await aPlatform();
    const original = await submitStatement(p, 'kke', aStatementInput({ language: 'en' }));
    const translation = { language: 'el', translationOf: original.statement.id };
    const { view, target } = await schedule(p, at(HOUR), translation);
    await retractStatement(p, 'kke', original.statement.id, { reason: 'Published by mistake.' });
    clock.ms += HOUR;
    expect(await publishScheduled(p, target)).toBe('failed');
    const failed = await getScheduled(p, 'kke', view.id);
    expect(failed).toMatchObject({ state: 'failed', failure: expect.stringMatching(/retracted/) });
    expect(await p.statements.get(view.id)).toBeUndefined();
    expect(await p.scheduled.due(at(2 * HOUR), 10)).toEqual([]);

    const fixed = await changeScheduled(
      p,
      'kke',
      view.id,
      aStatementInput({ language: 'el', publishAt: at(HOUR + 60_000) }),
      `"s${failed?.revision}"`,
    );
    expect(fixed.state).toBe('scheduled');
    clock.ms += 60_000;
    expect(await publishScheduled(p, target)).toBe('published');
  });
});
