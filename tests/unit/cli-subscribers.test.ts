// The CLI's subscriber and email commands on the embedded platform: `subscribers add | import | list |
// remove` and `email stats`, driven in-process against real files in a temporary DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { importSubscribers } from '../../shared/cli/subscriber-import.js';
import { newSubscriber, type Subscriber, SubscriberInput } from '../../shared/domain/subscriber.js';
import { cli } from '../helpers/cli.js';
import { aLocalPlatform, tempDir } from '../helpers/local-platform.js';

type Platform = Awaited<ReturnType<typeof aLocalPlatform>>;
let platform: Platform;
let files: string;

beforeAll(() => {
  files = tempDir('communique-csv-');
});
afterAll(() => {
  fs.rmSync(files, { recursive: true, force: true });
});
// Each test starts on an empty platform of its own, which the CLI opens through DATA_DIR.
beforeEach(async () => {
  platform = await aLocalPlatform();
  process.env.DATA_DIR = platform.dataDir;
});
afterEach(() => {
  platform.cleanup();
});

function aSubscriber(email: string, overrides: Partial<Subscriber> = {}, choices: Partial<SubscriberInput> = {}): Subscriber {
  return { ...newSubscriber(SubscriberInput.parse({ email, ...choices }), new Date('2026-01-01T00:00:00Z')), ...overrides };
}

function csvFile(name: string, ...lines: string[]): string {
  const file = path.join(files, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const found = async (email: string) => (await platform.subscribers.findByEmail(email)) as Subscriber;

describe('subscribers import FILE.csv', () => {
  it('adds each row as a confirmed subscriber, with its lists split on spaces, and sums up in one line', async () => {
    const file = csvFile(
      'good.csv',
      'email,parties,countries,languages,topics,frequency',
      'Reader@Example.org,kke tkp,gr tr,el en,housing  labour,daily',
      'all@example.org,,,,,',
    );
    const r = await cli(['subscribers', 'import', file]);
    expect(r.code).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.lines.at(-1)).toBe(`read 2 row(s) of ${file}: 2 added, 0 updated, 0 skipped (unsubscribed), 0 rejected`);
    expect(await found('reader@example.org')).toMatchObject({
      parties: ['kke', 'tkp'],
      countries: ['GR', 'TR'],
      languages: ['el', 'en'],
      topics: ['housing', 'labour'],
      frequency: 'daily',
      confirmedAt: expect.any(String),
    });
    expect(await found('all@example.org')).toMatchObject({ parties: [], topics: [], frequency: 'immediate' });
  });

  it('reports a bad row by its line, counts it, and imports the rest', async () => {
    const file = csvFile(
      'bad-rows.csv',
      'email,parties,frequency',
      'not-an-address,kke,daily',
      'one@example.org,nobody,',
      'two@example.org,kke,hourly',
      'three@example.org,kke,daily,extra',
      'four@example.org,kke,weekly',
    );
    const r = await cli(['subscribers', 'import', file]);
    expect(r.code).toBe(0);
    expect(r.errors).toEqual([
      'line 2: email: Invalid email address',
      'line 3: parties: no party "nobody"; see `parties list`',
      expect.stringMatching(/^line 4: frequency: /),
      'line 5: 4 values where the header names 3 columns (quote a value that holds a comma)',
    ]);
    expect(r.lines.at(-1)).toContain('read 5 row(s)');
    expect(r.lines.at(-1)).toContain('1 added, 0 updated, 0 skipped (unsubscribed), 4 rejected');
    expect(await found('four@example.org')).toMatchObject({ frequency: 'weekly' });
  });

  it('keeps the last row of an address that the file repeats', async () => {
    const file = csvFile('repeated.csv', 'email,parties', 'twice@example.org,kke', 'other@example.org,', 'TWICE@example.org,tkp');
    const r = await cli(['subscribers', 'import', file]);
    expect(r.lines.at(-1)).toContain('read 3 row(s)');
    expect(r.lines.at(-1)).toContain('2 added, 1 updated');
    expect((await found('twice@example.org')).parties).toEqual(['tkp']);
  });

  it('replaces the choices of an address already subscribed, keeping its id and secret', async () => {
    const before = aSubscriber('known@example.org', {}, { parties: ['kke'], frequency: 'weekly' });
    await platform.subscribers.put(before);
    const r = await cli(['subscribers', 'import', csvFile('known.csv', 'email,topics', 'known@example.org,housing')]);
    expect(r.lines.at(-1)).toContain('0 added, 1 updated');
    expect(await found('known@example.org')).toMatchObject({
      id: before.id,
      unsubscribeSecret: before.unsubscribeSecret,
      confirmedAt: before.confirmedAt,
      parties: [],
      topics: ['housing'],
      frequency: 'immediate',
    });
  });

  it('confirms an address still waiting for its confirmation', async () => {
    const pending = newSubscriber(SubscriberInput.parse({ email: 'pending@example.org' }), new Date(), false);
    await platform.subscribers.put(pending);
    await cli(['subscribers', 'import', csvFile('pending.csv', 'email', 'pending@example.org')]);
    expect(await found('pending@example.org')).toMatchObject({ id: pending.id, confirmedAt: expect.any(String) });
  });

  it('leaves an address that unsubscribed or was suppressed as it is, counted as skipped', async () => {
    const left = aSubscriber('left@example.org', { unsubscribedAt: '2026-02-01T00:00:00.000Z' });
    const bounced = aSubscriber('bounced@example.org', { unsubscribedAt: '2026-02-01T00:00:00.000Z', suppressedFor: 'bounce' });
    await platform.subscribers.putMany([left, bounced]);
    const file = csvFile('left.csv', 'email,parties', 'left@example.org,kke', 'bounced@example.org,kke', 'new@example.org,kke');
    const r = await cli(['subscribers', 'import', file]);
    expect(r.lines.at(-1)).toContain('1 added, 0 updated, 2 skipped (unsubscribed), 0 rejected');
    expect(await found('left@example.org')).toEqual({ ...left, revision: 1 });
    expect(await found('bounced@example.org')).toEqual({ ...bounced, revision: 1 });
  });

  it('commits in chunks, and an address repeated in a later chunk counts as an update', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => `reader${i}@example.org,kke`);
    const r = await cli(['subscribers', 'import', csvFile('chunks.csv', 'email,parties', ...rows, 'reader0@example.org,tkp')]);
    expect(r.lines.at(-1)).toContain('read 1201 row(s)');
    expect(r.lines.at(-1)).toContain('1200 added, 1 updated');
    expect((await found('reader0@example.org')).parties).toEqual(['tkp']);
  });

  it('stores a chunk row by row when another writer took one of its addresses meanwhile', async () => {
    const rival = aSubscriber('race@example.org');
    const subscribers = Object.assign(Object.create(platform.subscribers), {
      async putMany(batch: Subscriber[]) {
        await platform.subscribers.put(rival);
        return platform.subscribers.putMany(batch);
      },
    });
    const file = csvFile('race.csv', 'email,parties', 'race@example.org,kke', 'calm@example.org,kke');
    const report = await importSubscribers({ ...platform, subscribers }, file, { out: () => undefined, err: () => undefined });
    expect(report).toEqual({ rows: 2, added: 1, updated: 1, skipped: 0, rejected: 0 });
    expect(await found('race@example.org')).toMatchObject({ id: rival.id, parties: ['kke'] });
    expect((await found('calm@example.org')).parties).toEqual(['kke']);
  });

  it.each([
    ['a file that is not there', () => path.join(files, 'missing.csv'), 'cannot read'],
    ['a directory', () => files, 'cannot read'],
    ['an empty file', () => csvFile('empty.csv', ''), 'is empty; the first line must name the columns: email'],
    ['a file without an email column', () => csvFile('no-email.csv', 'address,parties', 'a@example.org,kke'), 'has no "email" column'],
  ])('exits 2 with one line that says what to do, given %s', async (_, file, message) => {
    const r = await cli(['subscribers', 'import', file()]);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(message);
  });
});

describe('subscribers list', () => {
  const ids = async () => (await platform.subscribers.list({ limit: 1_000 })).items.map((s) => s.id);
  const listed = (lines: string[]) => lines.filter((l) => l.includes('\t')).map((l) => l.split('\t')[0]);
  const nextCursor = (lines: string[]) => /^next: --cursor (\S+)$/.exec(lines.at(-1) ?? '')?.[1];

  it('prints one line per subscriber: id, address, choices, frequency and state', async () => {
    const confirmed = aSubscriber('c@example.org', {}, { parties: ['kke', 'tkp'], languages: ['el'], frequency: 'weekly' });
    const pending = { ...aSubscriber('p@example.org'), confirmedAt: undefined };
    const left = aSubscriber('u@example.org', { unsubscribedAt: '2026-02-01T00:00:00.000Z' });
    const suppressed = aSubscriber('s@example.org', { unsubscribedAt: '2026-02-01T00:00:00.000Z', suppressedFor: 'complaint' });
    await platform.subscribers.putMany([confirmed, pending, left, suppressed]);
    const r = await cli(['subscribers', 'list']);
    expect(r.code).toBe(0);
    expect(new Set(r.lines)).toEqual(
      new Set([
        `${confirmed.id}\tc@example.org\tkke,tkp\t*\tel\t*\tweekly\tconfirmed`,
        `${pending.id}\tp@example.org\t*\t*\t*\t*\timmediate\tpending`,
        `${left.id}\tu@example.org\t*\t*\t*\t*\timmediate\tunsubscribed`,
        `${suppressed.id}\ts@example.org\t*\t*\t*\t*\timmediate\tsuppressed (complaint)`,
      ]),
    );
  });

  it('pages in id order with --limit, and goes on from the cursor it prints', async () => {
    await platform.subscribers.putMany(Array.from({ length: 5 }, (_, i) => aSubscriber(`page${i}@example.org`)));
    const first = await cli(['subscribers', 'list', '--limit', '2']);
    const cursor = nextCursor(first.lines) as string;
    const second = await cli(['subscribers', 'list', '--limit', '2', '--cursor', cursor]);
    const third = await cli(['subscribers', 'list', '--limit', '2', '--cursor', nextCursor(second.lines) as string]);
    expect([...listed(first.lines), ...listed(second.lines), ...listed(third.lines)]).toEqual((await ids()).sort());
    expect(listed(third.lines)).toHaveLength(1);
    expect(nextCursor(third.lines)).toBeUndefined();
  });

  it('with a filter, prints up to --limit of those who chose that value, then goes on after the last one', async () => {
    await platform.subscribers.putMany(
      Array.from({ length: 12 }, (_, i) =>
        aSubscriber(`filter${i}@example.org`, {}, { parties: i % 2 ? ['kke'] : [], countries: i % 3 ? ['GR'] : [] }),
      ),
    );
    const chose = (await platform.subscribers.list({ limit: 100 })).items
      .filter((s) => s.parties.includes('kke') && s.countries.includes('GR'))
      .map((s) => s.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await cli([
        'subscribers',
        'list',
        '--party',
        'kke',
        '--country',
        'gr',
        '--limit',
        '2',
        ...(cursor ? ['--cursor', cursor] : []),
      ]);
      expect(listed(r.lines).length).toBeLessThanOrEqual(2);
      seen.push(...(listed(r.lines) as string[]));
      cursor = nextCursor(r.lines);
    } while (cursor);
    expect(seen).toEqual(chose);
    expect(chose).toHaveLength(4);
  });

  it('says so when no subscriber matches', async () => {
    const r = await cli(['subscribers', 'list', '--topic', 'nothing-here']);
    expect(r.lines).toEqual(['no subscribers match']);
  });

  it.each([
    [['--cursor', 'not-a-cursor'], 'invalid --cursor'],
    [['--limit', '0'], 'invalid --limit'],
    [['--country', 'Greece'], 'invalid filter (countries.0)'],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const r = await cli(['subscribers', 'list', ...args]);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([expect.stringContaining(message)]);
  });
});

describe('subscribers add', () => {
  it('adds a confirmed subscriber with countries, topics and a frequency', async () => {
    const r = await cli([
      'subscribers',
      'add',
      '--email',
      'digest@example.org',
      '--country',
      'gr',
      '--topic',
      'Housing',
      '--topic',
      'labour',
      '--frequency',
      'weekly',
    ]);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/: parties all; countries GR; languages all; topics housing,labour; weekly$/);
    expect(await found('digest@example.org')).toMatchObject({ countries: ['GR'], topics: ['housing', 'labour'], frequency: 'weekly' });
  });

  it('subscribes again an address that had left, and says so', async () => {
    const left = aSubscriber('back@example.org', { unsubscribedAt: '2026-02-01T00:00:00.000Z' });
    await platform.subscribers.put(left);
    const r = await cli(['subscribers', 'add', '--email', 'back@example.org']);
    expect(r.lines[1]).toBe('note: the address was unsubscribed; it is subscribed again');
    const back = await found('back@example.org');
    expect(back.id).toBe(left.id);
    expect(back.unsubscribedAt).toBeUndefined();
  });

  it('refuses an unknown frequency', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect((await cli(['subscribers', 'add', '--email', 'a@example.org', '--frequency', 'hourly'])).code).toBe(2);
    write.mockRestore();
  });
});

describe('subscribers remove', () => {
  it('removes a subscriber by address or by id', async () => {
    const [a, b] = [aSubscriber('a@example.org'), aSubscriber('b@example.org')];
    await platform.subscribers.putMany([a, b]);
    expect(await cli(['subscribers', 'remove', 'A@example.org'])).toMatchObject({
      code: 0,
      lines: [`subscriber ${a.id} <a@example.org> removed`],
    });
    expect(await cli(['subscribers', 'remove', b.id])).toMatchObject({ code: 0, lines: [`subscriber ${b.id} <b@example.org> removed`] });
    expect((await cli(['subscribers', 'list'])).lines).toEqual(['no subscribers']);
  });

  it('exits 2 with one line when there is no such subscriber', async () => {
    const r = await cli(['subscribers', 'remove', 'nobody@example.org']);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual(['communique: no subscriber "nobody@example.org"; see `subscribers list`']);
  });
});

describe('email stats', () => {
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

  it('says n/a for the rates when nothing was sent', async () => {
    const r = await cli(['email', 'stats', '--days', '3']);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      `email since ${daysAgo(2)} (3 days):`,
      'sent 0, bounces 0, complaints 0; bounce rate n/a, complaint rate n/a',
    ]);
  });

  it('sums the days asked for, with the rates as % of sent to 3 decimals', async () => {
    await platform.emailStats.add(daysAgo(1), { sent: 6_000, bounces: 30, complaints: 1 });
    await platform.emailStats.add(daysAgo(5), { sent: 4_000, bounces: 10, complaints: 2 });
    await platform.emailStats.add(daysAgo(40), { sent: 1_000, bounces: 900, complaints: 900 });
    const r = await cli(['email', 'stats', '--by-day']);
    expect(r.lines).toEqual([
      `email since ${daysAgo(29)} (30 days):`,
      `${daysAgo(5)}\tsent 4000\tbounces 10\tcomplaints 2`,
      `${daysAgo(1)}\tsent 6000\tbounces 30\tcomplaints 1`,
      'sent 10000, bounces 40, complaints 3; bounce rate 0.400%, complaint rate 0.030%',
    ]);
  });

  it('warns when the complaint rate reaches 0.1%, where SES starts a review', async () => {
    await platform.emailStats.add(daysAgo(1), { sent: 6_000, bounces: 40, complaints: 3 });
    await platform.emailStats.add(daysAgo(2), { sent: 4_000, complaints: 7 });
    const r = await cli(['email', 'stats', '--days', '7']);
    expect(r.lines.slice(1)).toEqual([
      'sent 10000, bounces 40, complaints 10; bounce rate 0.400%, complaint rate 0.100%',
      expect.stringMatching(/^warning: the complaint rate 0\.100% is at or above 0\.1%: SES puts an account under review/),
    ]);
  });

  it('warns when the bounce rate reaches 5%', async () => {
    await platform.emailStats.add(daysAgo(2), { sent: 10_000, bounces: 500, complaints: 9 });
    const r = await cli(['email', 'stats', '--days', '7']);
    expect(r.lines.slice(1)).toEqual([
      'sent 10000, bounces 500, complaints 9; bounce rate 5.000%, complaint rate 0.090%',
      expect.stringMatching(/^warning: the bounce rate 5\.000% is at or above 5%: SES puts an account under review/),
    ]);
  });

  it('exits 2 on a bad --days', async () => {
    expect((await cli(['email', 'stats', '--days', 'month'])).code).toBe(2);
  });
});

describe('subscribers refile', () => {
  it('files subscribers stored by an earlier version under their buckets and gives them link secrets, page by page', async () => {
    const legacy = Array.from({ length: 450 }, (_, i) => aSubscriber(`old${i}@example.org`, {}, { parties: ['kke'] }));
    await platform.subscribers.putMany(legacy);
    // As an earlier version left them: no link secret, no bucket entries.
    platform.db.exec("UPDATE subscribers SET json = json_remove(json, '$.linkSecret'); DELETE FROM subscriber_buckets;");
    expect((await platform.subscribers.inBucket('party:kke', { limit: 10 })).items).toEqual([]);
    const r = await cli(['subscribers', 'refile']);
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toBe('refiled 450 subscriber(s)');
    let filed = 0;
    for (let page = await platform.subscribers.inBucket('party:kke', { limit: 200 }); ; ) {
      filed += page.items.length;
      if (!page.nextCursor) break;
      page = await platform.subscribers.inBucket('party:kke', { limit: 200, cursor: page.nextCursor });
    }
    expect(filed).toBe(450);
    expect((await found('old7@example.org')).linkSecret).toMatch(/^[0-9a-z]{32}$/);
  });
});
