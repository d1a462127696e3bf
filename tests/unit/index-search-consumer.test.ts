// The local index-search consumer: it merges the delta when it is due, right after the update, and a
// compaction that fails leaves the update done and the batch successful (the next batch tries again).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { indexSearchOf } from '../../shared/consumers/index-search.js';
import { compactAt } from '../../shared/search/indexer.js';
import { searchIds } from '../../shared/search/store-search.js';
import { submitStatement } from '../../shared/services/statements.js';
import { aStatementInput, publishedEvent } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
beforeEach(async () => {
  p = await aLocalPlatform();
});
afterEach(() => {
  vi.restoreAllMocks();
  p.cleanup();
});

async function publishMany(n: number, title: string) {
  const events = [];
  for (let i = 0; i < n; i++)
    events.push(publishedEvent((await submitStatement(p, 'kke', aStatementInput({ title: `${title} ${i}` }))).statement));
  return events;
}

describe('the local index-search consumer', () => {
  it('merges the delta into a base once it is due', async () => {
    const events = await publishMany(compactAt(0) + 1, 'Dockers strike');
    expect((await indexSearchOf(p, events)).action).toBe('compacted');
    expect(await searchIds(p.site, 'dockers')).toHaveLength(events.length);
  });

  it('keeps the batch done when the compaction fails, and compacts with a later batch', async () => {
    const events = await publishMany(compactAt(0) + 1, 'Dockers strike');
    const range = vi.spyOn(p.listings, 'range').mockRejectedValueOnce(new Error('disk unplugged'));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const update = await indexSearchOf(p, events);
    expect(update.action).toBe('delta');
    expect(update.compactDue).toBe(true);
    expect(await searchIds(p.site, 'dockers')).toHaveLength(events.length);
    expect(range).toHaveBeenCalled();
    const later = await publishMany(1, 'Dockers strike again');
    expect((await indexSearchOf(p, later)).action).toBe('compacted');
    expect(await searchIds(p.site, 'dockers')).toHaveLength(events.length + 1);
  });

  it('leaves merging to compact-search when told (a Lambda consumer)', async () => {
    const events = await publishMany(compactAt(0) + 1, 'Dockers strike');
    const update = await indexSearchOf(p, events, { compact: false });
    expect(update).toMatchObject({ action: 'delta', compactDue: true });
  });
});
