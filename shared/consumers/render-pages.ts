// render-pages: rewrites the bounded set of pages one statement appears on.
import type { StatementEvent } from '../domain/events.js';
import type { Party } from '../domain/party.js';
import { signatories } from '../domain/statement.js';
import type { Platform } from '../platform.js';
import { requireStatement } from '../services/statements.js';
import { renderHomePage, renderPartiesPage, renderPartyPage, renderStatementPage } from '../site/templates/pages.js';

const HTML = 'text/html; charset=utf-8';
export const LATEST_ON_A_PAGE = 20;

/** The site paths a statement's publication rewrites: its page, the home page and its parties' pages. */
export function pagesAffectedBy(s: { id: string; party: string; cosigners: string[] }): string[] {
  return [`statements/${s.id}/index.html`, 'index.html', 'parties/index.html', ...signatories(s).map((p) => `parties/${p}/index.html`)];
}

export async function renderPages(p: Platform, event: StatementEvent): Promise<string[]> {
  const statement = await requireStatement(p, event.statementId);
  const all = await p.parties.list();
  const parties = new Map<string, Party>(all.map((x) => [x.id, x]));
  const written: string[] = [];
  const put = async (key: string, html: string) => {
    await p.site.put(key, html, HTML);
    written.push(key);
  };

  await put(`statements/${statement.id}/index.html`, await renderStatementPage(statement, parties));
  const latest = await p.statements.list({ limit: LATEST_ON_A_PAGE });
  await put('index.html', await renderHomePage(latest.items, parties));
  await put('parties/index.html', await renderPartiesPage(all));
  for (const id of signatories(statement)) {
    const party = parties.get(id);
    if (!party) continue;
    const own = await p.statements.list({ party: id, limit: LATEST_ON_A_PAGE });
    await put(`parties/${id}/index.html`, await renderPartyPage(party, own.items, parties));
  }
  return written;
}
