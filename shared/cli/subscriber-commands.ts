// The CLI's `subscribers` commands: add one, import a CSV, list page by page, refile all, remove one.
import { type Command, Option } from 'commander';
import { inParallel } from '../concurrency/in-parallel.js';
import {
  changeSubscriber,
  FREQUENCIES,
  type Frequency,
  newSubscriber,
  resubscribe,
  type Subscriber,
  SubscriberInput,
  SubscriptionChoices,
  saveSubscriber,
  withLinkSecret,
} from '../domain/subscriber.js';
import { ValidationError } from '../errors.js';
import type { Page, SubscriberRepository } from '../ports.js';
import { CountArgument, collect, parseOrExplain, type WithTarget } from './commands.js';
import { startProgress } from './progress.js';
import { importSubscribers } from './subscriber-import.js';
import { type CliTarget, UsageError } from './targets.js';

type Input = ReturnType<typeof SubscriberInput.parse>;

const all = (values: string[]) => values.join(',') || '*';

function stateOf(s: Subscriber): string {
  if (s.suppressedFor) return `suppressed (${s.suppressedFor})`;
  if (s.unsubscribedAt) return 'unsubscribed';
  return s.confirmedAt ? 'confirmed' : 'pending';
}

/** One subscriber a line, tab-separated: id, address, parties, countries, languages, topics (`*`: all), frequency, state. */
export function subscriberLine(s: Subscriber): string {
  return [s.id, s.email, all(s.parties), all(s.countries), all(s.languages), all(s.topics), s.frequency, stateOf(s)].join('\t');
}

type ListFilter = Pick<Subscriber, 'parties' | 'countries' | 'languages' | 'topics'> & { frequency?: Frequency };

/** Whether the subscriber chose every value the filter names (one who takes every party did not choose this one). */
function matches(s: Subscriber, f: ListFilter): boolean {
  const chose = (wanted: string[], chosen: string[]) => wanted.every((v) => chosen.includes(v));
  return (
    chose(f.parties, s.parties) &&
    chose(f.countries, s.countries) &&
    chose(f.languages, s.languages) &&
    chose(f.topics, s.topics) &&
    (f.frequency === undefined || s.frequency === f.frequency)
  );
}

/** How many subscribers one read fetches while looking for matches: memory stays flat however many there are. */
const SCAN_PAGE = 500;

async function readPage(subscribers: SubscriberRepository, q: { limit: number; cursor?: string }): Promise<Page<Subscriber>> {
  try {
    return await subscribers.list(q.cursor ? q : { limit: q.limit });
  } catch (e) {
    if (e instanceof ValidationError) throw new UsageError('invalid --cursor: give one that `subscribers list` printed');
    throw e;
  }
}

/**
 * Prints up to `limit` matching subscribers, reading a page at a time; returns where the next run goes on.
 * A page that holds more matches than are still wanted is read again up to the last one printed, so
 * that the cursor (opaque, the repository's own) points right after it.
 */
async function listSubscribers(
  subscribers: SubscriberRepository,
  q: { filter?: ListFilter; limit: number; cursor?: string },
  print: (s: Subscriber) => void,
): Promise<{ printed: number; next?: string }> {
  const wanted = (s: Subscriber) => !q.filter || matches(s, q.filter);
  let printed = 0;
  let cursor = q.cursor;
  while (printed < q.limit) {
    const still = q.limit - printed;
    const at = cursor ? { cursor } : {};
    const page = await readPage(subscribers, { limit: q.filter ? SCAN_PAGE : Math.min(still, SCAN_PAGE), ...at });
    let found = page.items.filter(wanted);
    let next = page.nextCursor;
    if (found.length > still) {
      const upTo = page.items.indexOf(found[still - 1] as Subscriber) + 1;
      const prefix = await readPage(subscribers, { limit: upTo, ...at });
      found = prefix.items.filter(wanted).slice(0, still);
      next = prefix.nextCursor;
    }
    found.forEach(print);
    printed += found.length;
    if (!next) return { printed };
    cursor = next;
  }
  return { printed, ...(cursor ? { next: cursor } : {}) };
}

/** An operator's add: confirmed, and subscribed again if the address had left (a deliberate act, unlike an import). */
async function addSubscriber(p: CliTarget['platform'], input: Input): Promise<string[]> {
  for (const party of input.parties) {
    if (!(await p.parties.get(party))) throw new UsageError(`no party "${party}"; see \`parties list\``);
  }
  const now = p.clock.now();
  let before: Subscriber | undefined;
  const s = (await saveSubscriber(p.subscribers, input.email, (existing) => {
    before = existing;
    return existing ? resubscribe(existing, input, now) : newSubscriber(input, now);
  })) as Subscriber;
  const said = (values: string[]) => values.join(',') || 'all';
  const lines = [
    `subscriber ${s.id} <${s.email}>: parties ${said(s.parties)}; countries ${said(s.countries)}; ` +
      `languages ${said(s.languages)}; topics ${said(s.topics)}; ${s.frequency}`,
  ];
  const left = before as Subscriber | undefined;
  if (left?.unsubscribedAt || left?.suppressedFor) lines.push(`note: the address was ${stateOf(left)}; it is subscribed again`);
  return lines;
}

type AddOptions = { email: string; party?: string[]; country?: string[]; language?: string[]; topic?: string[]; frequency?: string };

const frequencyOption = (what: string) => new Option('--frequency <frequency>', what).choices([...FREQUENCIES]);

export function addSubscriberCommands(program: Command, out: (line: string) => void, withTarget: WithTarget): void {
  const subscribers = program.command('subscribers').description('email subscribers');
  subscribers
    .command('add')
    .description('add a confirmed subscriber, or replace the choices of an existing address (one who had left is subscribed again)')
    .requiredOption('--email <address>', 'the address')
    .option('--party <id>', 'only statements signed by this party (repeatable)', collect)
    .option('--country <code>', 'only statements about this country, ISO 3166-1 alpha-2 (repeatable)', collect)
    .option('--language <tag>', 'only statements in this language (repeatable)', collect)
    .option('--topic <slug>', 'only statements on this topic (repeatable)', collect)
    .addOption(frequencyOption('each statement as it comes (immediate, the default) or a daily or weekly digest'))
    .action(async (o: AddOptions) => {
      const { email, party, country, language, topic, frequency } = o;
      const choices = { parties: party, countries: country, languages: language, topics: topic, frequency };
      const input = parseOrExplain(SubscriberInput, { email, ...choices }, 'subscriber');
      await withTarget(async (t) => {
        for (const line of await addSubscriber(t.platform, input)) out(line);
      });
    });
  subscribers
    .command('import')
    .description(
      'add or update confirmed subscribers from a CSV file: a header line, then `email` and optional `parties`, `countries`, ' +
        '`languages`, `topics` (values separated by spaces) and `frequency` columns. An address that unsubscribed or was ' +
        'suppressed stays so; bad rows are reported by line and skipped; safe to repeat',
    )
    .argument('<file>', 'the CSV file')
    .action(async (file: string) => {
      await withTarget(async (t) => {
        const r = await importSubscribers(t.platform, file, { out, err: (line) => console.error(line) });
        out(
          `read ${r.rows} row(s) of ${file}: ${r.added} added, ${r.updated} updated, ` +
            `${r.skipped} skipped (unsubscribed), ${r.rejected} rejected`,
        );
      });
    });
  subscribers
    .command('list')
    .description(
      'list subscribers in id order, a page at a time, one a line: id, address, parties, countries, languages, topics ' +
        '(* = all), frequency, state (pending, confirmed, unsubscribed, suppressed). A filter lists those who chose that value',
    )
    .option('--party <id>', 'only subscribers who chose this party')
    .option('--country <code>', 'only subscribers who chose this country')
    .option('--language <tag>', 'only subscribers who chose this language')
    .option('--topic <slug>', 'only subscribers who chose this topic')
    .addOption(frequencyOption('only subscribers with this frequency'))
    .option('--limit <n>', 'at most this many lines', '100')
    .option('--cursor <cursor>', 'go on from where an earlier list stopped (it prints the cursor)')
    .action(
      async (o: {
        party?: string;
        country?: string;
        language?: string;
        topic?: string;
        frequency?: Frequency;
        limit: string;
        cursor?: string;
      }) => {
        const limit = parseOrExplain(CountArgument(1_000_000), o.limit, '--limit');
        const given = (v?: string) => (v === undefined ? [] : [v]);
        const choices = parseOrExplain(
          SubscriptionChoices,
          { parties: given(o.party), countries: given(o.country), languages: given(o.language), topics: given(o.topic) },
          'filter',
        );
        const filtered = o.party ?? o.country ?? o.language ?? o.topic ?? o.frequency;
        const filter = filtered === undefined ? undefined : { ...choices, frequency: o.frequency };
        await withTarget(async (t) => {
          const q = { limit, ...(filter ? { filter } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) };
          const { printed, next } = await listSubscribers(t.platform.subscribers, q, (s) => out(subscriberLine(s)));
          if (next) out(`next: --cursor ${next}`);
          else if (printed === 0) out(filter ? 'no subscribers match' : 'no subscribers');
        });
      },
    );
  subscribers
    .command('refile')
    .description(
      'store every subscriber again, a page at a time: files those stored by an earlier version under the buckets mailings ' +
        'read, and gives them a link secret (run once after upgrading a deployment that had subscribers); safe to repeat',
    )
    .action(async () => {
      await withTarget(async (t) => {
        const progress = startProgress('refiling subscribers', out);
        let done = 0;
        let cursor: string | undefined;
        do {
          const page = await t.platform.subscribers.list({ limit: 200, ...(cursor ? { cursor } : {}) });
          // Each read again and stored at its revision: a reader's change meanwhile is never undone.
          await inParallel(page.items, 8, async (s) => {
            await changeSubscriber(t.platform.subscribers, s.id, (current) => withLinkSecret({ ...current }));
          });
          done += page.items.length;
          progress.update(done);
          cursor = page.nextCursor;
        } while (cursor);
        progress.stop();
        out(`refiled ${done} subscriber(s)`);
      });
    });
  subscribers
    .command('remove')
    .description(
      'forget a subscriber and its address entirely; unlike an unsubscribe, nothing then keeps a later import from adding it again',
    )
    .argument('<email-or-id>', 'the address, or the id that `subscribers list` prints')
    .action(async (which: string) => {
      await withTarget(async (t) => {
        const repo = t.platform.subscribers;
        const s = which.includes('@') ? await repo.findByEmail(which.trim()) : await repo.get(which.trim());
        if (!s || !(await repo.remove(s.id))) throw new UsageError(`no subscriber "${which}"; see \`subscribers list\``);
        out(`subscriber ${s.id} <${s.email}> removed`);
      });
    });
}
