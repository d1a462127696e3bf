// Small factories of test data: valid by default, override what the test is about.

import type { StatementEvent } from '../../shared/domain/events.js';
import type { Party } from '../../shared/domain/party.js';
import type { Statement, StatementInput, StatementSummary } from '../../shared/domain/statement.js';
import type { ObjectStore } from '../../shared/ports.js';

let n = 0;

export function aParty(overrides: Partial<Party> = {}): Party {
  return { id: 'kke', name: 'Communist Party of Greece', country: 'GR', language: 'el', ...overrides };
}

/** The CLI arguments that add this party: `parties add --id … --name … --country … --language …`. */
export function partiesAddArgs(party: Party = aParty()): string[] {
  return ['parties', 'add', '--id', party.id, '--name', party.name, '--country', party.country, '--language', party.language];
}

export function aStatementInput(overrides: Partial<StatementInput> = {}): StatementInput {
  n++;
  return {
    title: `Statement number ${n} on the strike`,
    summary: 'The workers of the port are on strike.',
    body: `The dockers of the port have stopped work.\n\n**Solidarity** with statement ${n}.`,
    language: 'en',
    topics: ['workers'],
    ...overrides,
  };
}

export const DEMO_PARTIES: Party[] = [
  aParty(),
  aParty({ id: 'tkp', name: 'Communist Party of Turkey', country: 'TR', language: 'tr' }),
  aParty({ id: 'tudeh', name: 'Tudeh Party of Iran', country: 'IR', language: 'fa' }),
  aParty({ id: 'jcp', name: 'Japanese Communist Party', country: 'JP', language: 'ja' }),
];

/** A stored statement's row, as the table adapters keep it. */
export function aStatementSummary(overrides: Partial<StatementSummary> = {}): StatementSummary {
  const at = overrides.createdAt ?? '2026-01-01T00:00:00.000Z';
  return {
    id: '0000000001aaaaaaaaaaaa',
    version: 1,
    party: 'kke',
    cosigners: [],
    invited: [],
    signatures: [],
    language: 'el',
    dir: 'ltr',
    title: 'A statement',
    summary: '',
    topics: [],
    countries: ['GR'],
    publishedAt: at,
    createdAt: at,
    ...overrides,
  };
}

/** The event a statement's publication emitted. */
export function publishedEvent(s: Pick<Statement, 'id' | 'version' | 'party' | 'createdAt'>): StatementEvent {
  return { type: 'statement.published', statementId: s.id, version: s.version, party: s.party, occurredAt: s.createdAt };
}

/** A site file as text ('' when absent). */
export async function siteText(site: ObjectStore, key: string): Promise<string> {
  return Buffer.from((await site.get(key)) ?? []).toString('utf8');
}
