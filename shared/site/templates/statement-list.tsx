// A list of statements as readers scan it: title, parties, date, summary.
import { languageName } from '../../domain/language.js';
import type { Party } from '../../domain/party.js';
import { liveTranslations, type StatementSummary, signatories, statementPath } from '../../domain/statement.js';

export function PartyNames({ ids, parties }: { ids: string[]; parties: Map<string, Party> }) {
  return (
    <span class="parties">
      {ids.map((id, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <a href={`/parties/${id}/`}>{parties.get(id)?.name ?? id}</a>
        </>
      ))}
    </span>
  );
}

export function DateLine({ iso }: { iso: string }) {
  return <time datetime={iso}>{iso.slice(0, 10)}</time>;
}

/** A summary in its own direction: it may be in another script than the statement. */
export function Summary({ text }: { text: string }) {
  return text ? (
    <p class="summary" dir="auto">
      {text}
    </p>
  ) : null;
}

export function StatementList({ items, parties }: { items: StatementSummary[]; parties: Map<string, Party> }) {
  if (items.length === 0) return <p class="empty">No statements yet.</p>;
  return (
    <ol class="statements">
      {items.map((s) => (
        <li lang={s.language} dir={s.dir}>
          <h2 dir="auto">
            <a href={statementPath(s.id)}>{s.title}</a>
          </h2>
          <p class="meta" lang="en" dir="ltr">
            <PartyNames ids={signatories(s)} parties={parties} /> · <DateLine iso={s.publishedAt} />
            {s.corrections?.length ? ' · corrected' : null}
          </p>
          <Summary text={s.summary} />
          {liveTranslations(s).length ? (
            <p class="languages" lang="en" dir="ltr">
              Also in:{' '}
              {liveTranslations(s).map((t, i) => (
                <>
                  {i > 0 ? ', ' : ''}
                  <a href={statementPath(t.id)} hreflang={t.language} lang={t.language}>
                    {languageName(t.language)}
                  </a>
                </>
              ))}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
