// What a send job mails: a statement's message, or a digest of a period's statements; built once per process and mailing.
import type { MailingSpec } from '../domain/mailing.js';
import { mailingIdOf } from '../domain/mailing.js';
import type { Party } from '../domain/party.js';
import { liveTranslations, type StatementSummary } from '../domain/statement.js';
import { isActive, matchesChoices, type Subscriber, speaks } from '../domain/subscriber.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/read-statement.js';
import { composeDigestEmail, type StatementMessage, statementMessage } from './compose.js';
import { correctionOf, wantsStatementMail } from './mailings.js';

export interface MailContent {
  /** Whether the subscriber, as stored now, still gets this mailing. */
  wants(s: Subscriber): boolean;
  compose(s: Subscriber, now: Date): Promise<Uint8Array>;
}

type ContentPlatform = Pick<Platform, 'config' | 'parties' | 'statements' | 'blobs'>;

/** A digest holds at most this many statements (a busier period links to the site for the rest). */
export const DIGEST_MAX_STATEMENTS = 100;
/** The statements of a period a digest chooses from at most (the newest); beyond, a period is an archive, not news. */
const PERIOD_MAX_STATEMENTS = 2_000;

async function partiesById(p: ContentPlatform): Promise<Map<string, Party>> {
  return new Map((await p.parties.list()).map((x) => [x.id, x]));
}

async function statementContent(p: ContentPlatform, spec: Extract<MailingSpec, { kind: 'statement' }>): Promise<MailContent> {
  const e = spec.event;
  const statement = await requireStatement(p, e.statementId);
  const correction = e.type === 'statement.corrected' ? correctionOf(statement, e.version) : undefined;
  const parties = await partiesById(p);
  // Each reader gets the version in a language they chose, when there is one: built once per language.
  const messages = new Map<string, Promise<StatementMessage>>();
  const messageIn = (id: string) => {
    let message = messages.get(id);
    if (!message) {
      message = (id === statement.id ? Promise.resolve(statement) : requireStatement(p, id)).then((version) =>
        statementMessage(p.config, version, parties, id === statement.id ? correction : undefined),
      );
      messages.set(id, message);
    }
    return message;
  };
  const translations = correction ? [] : liveTranslations(statement);
  return {
    wants: wantsStatementMail(e, statement),
    compose: async (s, now) => {
      const chosen = speaks(s, statement.language) ? undefined : translations.find((t) => speaks(s, t.language));
      return (await messageIn(chosen?.id ?? statement.id)).compose(s, now);
    },
  };
}

/** The statements stored in [start, end), oldest first, not those of an imported archive. */
export async function statementsStoredIn(p: Pick<Platform, 'statements'>, start: string, end: string): Promise<StatementSummary[]> {
  const found: StatementSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await p.statements.listStoredSince({ since: start, limit: 200, ...(cursor ? { cursor } : {}) });
    for (const record of page.items) {
      if (record.summary.createdAt >= end) return found.slice(-PERIOD_MAX_STATEMENTS);
      // Not an imported archive; not one withdrawn since; a translation is its original's news.
      const s = record.summary;
      if (record.event.type !== 'statement.imported' && !s.retraction && !s.translationOf) found.push(s);
    }
    // A busier period keeps its newest statements (the digest shows the newest).
    if (found.length > 2 * PERIOD_MAX_STATEMENTS) found.splice(0, found.length - PERIOD_MAX_STATEMENTS);
    cursor = page.nextCursor;
  } while (cursor);
  return found.slice(-PERIOD_MAX_STATEMENTS);
}

function periodLabel(spec: Extract<MailingSpec, { kind: 'digest' }>): string {
  const date = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(spec.start),
  );
  return spec.frequency === 'daily' ? date : `the week of ${date}`;
}

/**
 * What a digest reader gets starts when the subscription was confirmed, or when the reader switched to
 * digests (what came before that was mailed as it came).
 */
function digestSince(s: Subscriber): string {
  return [s.subscribedAt, s.confirmedAt ?? '', s.frequencySince ?? ''].sort().at(-1) as string;
}

async function digestContent(p: ContentPlatform, spec: Extract<MailingSpec, { kind: 'digest' }>): Promise<MailContent> {
  const statements = await statementsStoredIn(p, spec.start, spec.end);
  const parties = await partiesById(p);
  // Newest first in the message; only what was stored after the reader's subscription was confirmed.
  // Worked out once per reader: the sender asks wants() and then compose() of the same subscriber object.
  const chosen = new WeakMap<Subscriber, StatementSummary[]>();
  const matching = (s: Subscriber) => {
    let mine = chosen.get(s);
    if (!mine) {
      const since = digestSince(s);
      mine = statements
        .filter((st) => matchesChoices(s, st) && since <= st.createdAt)
        .reverse()
        .slice(0, DIGEST_MAX_STATEMENTS);
      chosen.set(s, mine);
    }
    return mine;
  };
  const period = { label: periodLabel(spec), key: mailingIdOf(spec) };
  return {
    wants: (s) => isActive(s) && s.frequency === spec.frequency && matching(s).length > 0,
    compose: (s, now) => composeDigestEmail(p.config, s, matching(s), parties, period, now),
  };
}

/** Built once per mailing and platform, for a few minutes: a mailing's jobs arrive together. */
const caches = new WeakMap<object, Map<string, { at: number; content: Promise<MailContent> }>>();
const CACHE_MS = 5 * 60_000;
const CACHE_ENTRIES = 16;

export function contentFor(p: ContentPlatform, spec: MailingSpec): Promise<MailContent> {
  let cache = caches.get(p.statements);
  if (!cache) {
    cache = new Map();
    caches.set(p.statements, cache);
  }
  const key = mailingIdOf(spec);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.content;
  const content = spec.kind === 'statement' ? statementContent(p, spec) : digestContent(p, spec);
  cache.set(key, { at: now, content });
  // A failed build is not kept: the next job tries again.
  content.catch(() => cache.get(key)?.content === content && cache.delete(key));
  for (const old of cache.keys()) {
    if (cache.size <= CACHE_ENTRIES) break;
    cache.delete(old);
  }
  return content;
}
