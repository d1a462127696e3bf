// The desk's home: the office's scheduled statements, then its published ones with their states, paged.
import type { Context } from 'hono';
import type { Party } from '../../../shared/domain/party.js';
import { listScheduled } from '../../../shared/services/scheduling.js';
import { html, noticeOf } from './render.js';
import type { DeskPlatform } from './routes.js';
import type { DeskEnv, SignedIn } from './session.js';
import { StatementsPage } from './templates/statements.js';
import { defaultTimeZone } from './time-zone.js';

const PAGE_SIZE = 25;
/** Scheduled statements are few (an office's embargoes of the coming days): one page of them is shown. */
const SCHEDULED_SHOWN = 100;

/** The office as the desk's frame shows it: its name, and the token its sign-out form carries. */
export function officeFrom(own: Party | undefined, signedIn: Pick<SignedIn, 'party' | 'csrf'>) {
  return { name: own?.name ?? signedIn.party, csrf: signedIn.csrf, party: signedIn.party, country: own?.country };
}

/** officeFrom, reading the office's party. */
export async function officeOf(p: Pick<DeskPlatform, 'parties'>, signedIn: Pick<SignedIn, 'party' | 'csrf'>) {
  return officeFrom(await p.parties.get(signedIn.party), signedIn);
}

export async function statementsPage(c: Context<DeskEnv>, p: DeskPlatform) {
  const party = c.get('party');
  const cursor = c.req.query('cursor');
  const validCursor = cursor && cursor.length <= 500 ? cursor : undefined;
  const [office, published, scheduled, invitations, parties] = await Promise.all([
    officeOf(p, { party, csrf: c.get('csrf') }),
    p.statements.list({ party, limit: PAGE_SIZE, ...(validCursor ? { cursor: validCursor } : {}) }),
    validCursor ? Promise.resolve({ items: [] }) : listScheduled(p, party, { limit: SCHEDULED_SHOWN }),
    validCursor ? Promise.resolve({ items: [] }) : p.statements.listInvitations(party, { limit: PAGE_SIZE }),
    p.parties.list(),
  ]);
  return html(
    c,
    <StatementsPage
      office={office}
      notice={noticeOf(c)}
      timeZone={defaultTimeZone(office.country)}
      scheduled={[...scheduled.items].sort((a, b) => a.publishAt.localeCompare(b.publishAt))}
      published={published.items}
      invitations={invitations.items}
      partyNames={new Map(parties.map((x) => [x.id, x.name]))}
      older={published.nextCursor ? `/desk/?${new URLSearchParams({ cursor: published.nextCursor })}` : undefined}
    />,
  );
}
