// What state a statement is in, as the desk shows it: scheduled, published, corrected, retracted, awaiting signatures.
import type { StatementSummary } from '../../../shared/domain/statement.js';

export type DeskState = 'scheduled' | 'published' | 'corrected' | 'retracted' | 'awaiting signatures';

/** A published statement's states: retracted says it all; otherwise published, corrected and awaiting signatures combine. */
export function statesOf(s: Pick<StatementSummary, 'corrections' | 'retraction' | 'invited'>): DeskState[] {
  if (s.retraction) return ['retracted'];
  return [
    s.corrections?.length ? ('corrected' as const) : ('published' as const),
    ...(s.invited.length ? (['awaiting signatures'] as const) : []),
  ];
}

/** A time as the office reads it: in its time zone, with the zone named. */
export function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}
