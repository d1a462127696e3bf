// A published statement at the desk: its state and record, and the forms that correct or retract it.
import { attachmentHref, describeFile } from '../../../../shared/domain/attachment-files.js';
import type { Statement } from '../../../../shared/domain/statement.js';
import { formatTime, statesOf } from '../states.js';
import { type AttachedFile, Attachments } from './compose.js';
import { Csrf, ErrorSummary, type FieldErrors, TextArea, TextField } from './fields.js';
import { DeskPage, StatementTitle } from './layout.js';

type Office = { name: string; csrf: string; party: string };

export function StatementDeskPage({
  office,
  s,
  timeZone,
  partyNames,
  notice,
}: {
  office: Office;
  s: Statement;
  timeZone: string;
  partyNames: Map<string, string>;
  notice?: string;
}) {
  const name = (id: string) => partyNames.get(id) ?? id;
  const own = s.party === office.party;
  return (
    <DeskPage title={s.title} heading={<StatementTitle s={s} />} office={office} notice={notice}>
      <dl class="record">
        <dt>State</dt>
        <dd>{statesOf(s).join(', ')}</dd>
        <dt>Published</dt>
        <dd>{formatTime(s.publishedAt, timeZone)}</dd>
        <dt>Language</dt>
        <dd>{s.language}</dd>
        <dt>Version</dt>
        <dd>{s.version}</dd>
        {own ? null : (
          <>
            <dt>Author</dt>
            <dd>{name(s.party)}</dd>
          </>
        )}
        {s.cosigners.length ? (
          <>
            <dt>Signed by</dt>
            <dd>{s.cosigners.map(name).join(', ')}</dd>
          </>
        ) : null}
        {s.invited.length ? (
          <>
            <dt>Awaiting the signature of</dt>
            <dd>{s.invited.map(name).join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {s.retraction ? (
        <p class="retraction">
          Retracted on {formatTime(s.retraction.at, timeZone)}: {s.retraction.reason}
        </p>
      ) : null}
      {s.corrections?.length ? (
        <>
          <h2>Corrections</h2>
          <ul>
            {s.corrections.map((x) => (
              <li>
                {formatTime(x.at, timeZone)}: {x.note}
                {x.notified ? ' (subscribers notified)' : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {s.attachments?.length ? (
        <>
          <h2>Attachments</h2>
          <ul>
            {s.attachments.map((a) => (
              <li>
                <a href={attachmentHref(a)}>{a.name}</a> ({describeFile(a)}){a.alt ? `: ${a.alt}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Pages</h2>
      <ul>
        <li>
          <a href={`/statements/${s.id}/`}>The public page</a>
        </li>
        <li>
          <a href={`/statements/${s.id}/history/`}>Its history (every version, with the changes)</a>
        </li>
      </ul>
      {own && !s.retraction ? (
        <>
          <h2>Change it</h2>
          <ul class="actions">
            <li>
              <a class="button" href={`/desk/statements/${s.id}/correct`}>
                Correct it
              </a>
            </li>
            <li>
              <a class="button danger" href={`/desk/statements/${s.id}/retract`}>
                Retract it
              </a>
            </li>
          </ul>
        </>
      ) : null}
    </DeskPage>
  );
}

export interface CorrectValues {
  title: string;
  summary: string;
  body: string;
  topics: string;
  correctionNote: string;
  notify: boolean;
  /** The version the office edited: a correction made meanwhile refuses this one (If-Match). */
  version: number;
  attachments: AttachedFile[];
}

export const CORRECT_LABELS: Record<string, string> = {
  title: 'Title',
  summary: 'Summary',
  body: 'Text',
  topics: 'Topics',
  correctionNote: 'Correction note',
  attachments: 'Attachments',
  file: 'Attach a file',
  form: 'Correction',
};

export function CorrectPage({
  office,
  s,
  values,
  errors,
  stale,
}: {
  office: Office;
  s: Pick<Statement, 'id' | 'title' | 'language' | 'dir' | 'version'>;
  values: CorrectValues;
  errors: FieldErrors;
  /** The statement changed since the form was opened: the office's text is kept, and the current one linked. */
  stale?: boolean;
}) {
  return (
    <DeskPage
      title={`Correct: ${s.title}`}
      heading={
        <>
          Correct: <StatementTitle s={s} />
        </>
      }
      office={office}
    >
      <ErrorSummary
        errors={errors}
        labels={CORRECT_LABELS}
        targets={{ form: 'f-title', attachments: 'attachments' }}
        intro={stale ? 'Nothing was changed.' : undefined}
      />
      {stale ? (
        <p>
          <a href={`/desk/statements/${s.id}/correct`}>Open the current version (version {s.version})</a> and make your correction there;
          your text below is not saved.
        </p>
      ) : null}
      <p>
        The corrected text replaces the old one on the statement's page, listings, feeds and search. The old text stays in the statement's
        public history, with your note.
      </p>
      <form method="post" action={`/desk/statements/${s.id}/correct`} enctype="multipart/form-data" class="desk-form" data-compose="">
        <Csrf token={office.csrf} />
        <input type="hidden" name="version" value={String(values.version)} />
        <input type="hidden" name="language" value={s.language} />
        <TextField name="title" label="Title" value={values.title} errors={errors} required />
        <TextArea name="summary" label="Summary" value={values.summary} errors={errors} rows={3} />
        <TextArea name="body" label="Text" value={values.body} errors={errors} rows={16} required lang={s.language} dir={s.dir} />
        <section class="preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          <p class="hint" data-preview-status="">
            The preview follows the text as you type (with JavaScript).
          </p>
          <div id="preview" class="body" lang={s.language} dir={s.dir} data-preview="" />
        </section>
        <TextField name="topics" label="Topics" value={values.topics} errors={errors} hint="Separated by spaces or commas." />
        <Attachments values={values} errors={errors} />
        <TextField
          name="correctionNote"
          label="Correction note (public)"
          value={values.correctionNote}
          errors={errors}
          required
          hint={'Shown on the page beside the date, e.g. "Corrected the date of the rally".'}
        />
        <div class="choice">
          <input type="checkbox" id="f-notify" name="notifySubscribers" value="true" checked={values.notify} />
          <label for="f-notify">Email the corrected statement to its subscribers again</label>
        </div>
        <div class="actions">
          <button type="submit">Publish the correction</button> <a href={`/desk/statements/${s.id}/`}>Cancel</a>
        </div>
      </form>
    </DeskPage>
  );
}

export function RetractPage({
  office,
  s,
  reason,
  errors,
}: {
  office: Office;
  s: Pick<Statement, 'id' | 'title' | 'language' | 'dir'>;
  reason: string;
  errors: FieldErrors;
}) {
  return (
    <DeskPage
      title={`Retract: ${s.title}`}
      heading={
        <>
          Retract: <StatementTitle s={s} />
        </>
      }
      office={office}
    >
      <ErrorSummary
        errors={errors}
        labels={{ reason: 'Reason', confirm: 'Confirmation', form: 'Retraction' }}
        targets={{ form: 'f-reason' }}
      />
      <p>
        A retracted statement keeps its address, but its page shows the retraction notice and your reason instead of its text. It leaves the
        listings and search; feeds announce the retraction. This cannot be undone.
      </p>
      <form method="post" action={`/desk/statements/${s.id}/retract`} class="desk-form">
        <Csrf token={office.csrf} />
        <TextArea name="reason" label="Reason (public)" value={reason} errors={errors} rows={3} required />
        <div class={errors.get('confirm') ? 'choice invalid' : 'choice'}>
          <input
            type="checkbox"
            id="f-confirm"
            name="confirm"
            value="yes"
            required
            aria-invalid={errors.get('confirm') ? 'true' : undefined}
          />
          <label for="f-confirm">I understand: readers will no longer see the statement's text</label>
        </div>
        <div class="actions">
          <button type="submit" class="danger">
            Retract the statement
          </button>{' '}
          <a href={`/desk/statements/${s.id}/`}>Cancel</a>
        </div>
      </form>
    </DeskPage>
  );
}
