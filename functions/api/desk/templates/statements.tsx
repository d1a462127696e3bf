// The office's statements: scheduled ones first (with their time), then what it published, newest first.
import type { StatementSummary } from '../../../../shared/domain/statement.js';
import { formatTime, statesOf } from '../states.js';
import { Csrf } from './fields.js';
import { DeskPage, StatementTitle } from './layout.js';

export interface ScheduledRow {
  id: string;
  title: string;
  language: string;
  publishAt: string;
  state: 'scheduled' | 'publishing' | 'failed';
}

export interface StatementsPageProps {
  office: { name: string; csrf: string; party: string };
  scheduled: ScheduledRow[];
  published: StatementSummary[];
  /** Statements whose authors invite this office to sign, newest first. */
  invitations: StatementSummary[];
  partyNames: Map<string, string>;
  /** The next (older) page of published statements. */
  older?: string;
  timeZone: string;
  notice?: string;
}

function States({ states }: { states: string[] }) {
  return (
    <ul class="states">
      {states.map((s) => (
        <li class={`state state-${s.replace(/\s+/g, '-')}`}>{s}</li>
      ))}
    </ul>
  );
}

/** Each statement the office is invited to sign, with a button that signs it (a form: it works without script). */
function Invitations({
  office,
  invitations,
  partyNames,
  timeZone,
}: Pick<StatementsPageProps, 'office' | 'invitations' | 'partyNames' | 'timeZone'>) {
  if (invitations.length === 0) return null;
  return (
    <>
      <h2 id="invitations-heading">Awaiting your signature</h2>
      <table aria-labelledby="invitations-heading">
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">By</th>
            <th scope="col">Published ({timeZone})</th>
            <th scope="col">Sign</th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((s) => (
            <tr>
              <td>
                <a href={`/statements/${s.id}/`}>
                  <StatementTitle s={s} />
                </a>
              </td>
              <td>{partyNames.get(s.party) ?? s.party}</td>
              <td>{formatTime(s.publishedAt, timeZone)}</td>
              <td>
                <form method="post" action={`/desk/statements/${s.id}/sign`}>
                  <Csrf token={office.csrf} />
                  <button type="submit" aria-label={`Sign “${s.title}” as ${office.name}`}>
                    Sign
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function StatementsPage({ office, scheduled, published, invitations, partyNames, older, timeZone, notice }: StatementsPageProps) {
  return (
    <DeskPage title="Your statements" office={office} notice={notice}>
      <p>
        <a class="button" href="/desk/statements/new">
          Write a statement
        </a>
      </p>
      <Invitations office={office} invitations={invitations} partyNames={partyNames} timeZone={timeZone} />
      <h2 id="scheduled-heading">Scheduled</h2>
      {scheduled.length ? (
        <table aria-labelledby="scheduled-heading">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">State</th>
              <th scope="col">Publishes at ({timeZone})</th>
            </tr>
          </thead>
          <tbody>
            {scheduled.map((s) => (
              <tr>
                <td>
                  <a href={`/desk/scheduled/${s.id}/`}>
                    <StatementTitle s={s} />
                  </a>
                </td>
                <td>
                  <States states={[s.state]} />
                </td>
                <td>{formatTime(s.publishAt, timeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nothing is scheduled.</p>
      )}
      <h2 id="published-heading">Published</h2>
      {published.length ? (
        <table aria-labelledby="published-heading">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">State</th>
              <th scope="col">Published ({timeZone})</th>
            </tr>
          </thead>
          <tbody>
            {published.map((s) => (
              <tr>
                <td>
                  <a href={`/desk/statements/${s.id}/`}>
                    <StatementTitle s={s} />
                  </a>
                  {s.party !== office.party ? <span class="meta"> (cosigned, by {s.party})</span> : null}
                </td>
                <td>
                  <States states={statesOf(s)} />
                </td>
                <td>{formatTime(s.publishedAt, timeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nothing published yet.</p>
      )}
      {older ? (
        <p>
          <a href={older}>Older statements</a>
        </p>
      ) : null}
    </DeskPage>
  );
}
