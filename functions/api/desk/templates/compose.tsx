// Writing a statement: its text with a live preview, language, topics, co-signers, translation, files, and when.
import type { Child } from 'hono/jsx';
import { Choices, Csrf, ErrorSummary, type FieldErrors, fieldId, Select, TextArea, TextField } from './fields.js';
import { DeskPage } from './layout.js';

export interface AttachedFile {
  id: string;
  name: string;
  contentType: string;
  alt: string;
}

export interface ComposeValues {
  title: string;
  summary: string;
  body: string;
  language: string;
  /** Separated by spaces or commas, as typed. */
  topics: string;
  cosigners: string[];
  translationOf: string;
  /** A wall-clock time in `timeZone` ("2026-12-01T09:30:00"), for the Schedule button. */
  publishAt: string;
  timeZone: string;
  attachments: AttachedFile[];
  /** Sent with the form so that a second click (or a resent form) stores one statement, not two. */
  idempotencyKey: string;
}

export interface ComposeOptions {
  languages: Array<{ value: string; label: string }>;
  parties: Array<{ value: string; label: string }>;
  translatable: Array<{ value: string; label: string }>;
  timeZones: string[];
  /** "UTC+03:00 now": beside the zone, so that the time is unambiguous. */
  zoneOffset: string;
}

export const COMPOSE_LABELS: Record<string, string> = {
  title: 'Title',
  summary: 'Summary',
  body: 'Text',
  language: 'Language',
  topics: 'Topics',
  cosigners: 'Co-signers to invite',
  translationOf: 'Translation of',
  publishAt: 'Publication date and time',
  timeZone: 'Time zone',
  file: 'Attach a file',
  fileAlt: 'Description of the image',
  attachments: 'Attachments',
  form: 'Statement',
  confirm: 'Cancellation',
};

export interface ComposePageProps {
  office: { name: string; csrf: string };
  heading: string;
  /** The h1 when it is more than `heading` (a scheduled statement's title in its language). */
  headingNode?: Child;
  action: string;
  values: ComposeValues;
  options: ComposeOptions;
  errors: FieldErrors;
  /** The sanitised HTML of the text, when the office asked for a preview (the page's script keeps it live). */
  previewHtml?: string;
  dir: 'ltr' | 'rtl';
  /** The labels of the publish and schedule buttons; no publish button when `publish` is null (a scheduled statement's form). */
  buttons?: { publish?: string | null; schedule?: string };
  /** More hidden fields (the revision a scheduled statement's change is made from). */
  hidden?: Record<string, string>;
  /** Shown before the form (a scheduled statement's record) and after it (its cancel form). */
  intro?: Child;
  after?: Child;
  notice?: string;
}

export function Attachments({ values, errors }: { values: Pick<ComposeValues, 'attachments'>; errors: FieldErrors }) {
  return (
    <fieldset class="field attachments" id="attachments" aria-describedby="attachments-hint">
      <legend>Attachments</legend>
      <p class="hint" id="attachments-hint">
        PDF, JPEG, PNG or WebP, up to 25 MB each. Describe each image for readers who cannot see it.
      </p>
      {errors.get('attachments')?.length ? (
        <p class="field-error" id="f-attachments-error">
          <span class="visually-hidden">Error: </span>
          {errors.get('attachments')?.join(' ')}
        </p>
      ) : null}
      <ul class="attached" data-attached="">
        {values.attachments.map((a) => (
          <li>
            <input type="hidden" name="attachment" value={a.id} />
            <input type="hidden" name={`name-${a.id}`} value={a.name} />
            <input type="hidden" name={`type-${a.id}`} value={a.contentType} />
            <span class="file-name">{a.name}</span>
            {a.contentType.startsWith('image/') ? (
              <span class="field">
                <label for={`f-alt-${a.id}`}>Description of {a.name}</label>
                <input type="text" id={`f-alt-${a.id}`} name={`alt-${a.id}`} value={a.alt} />
              </span>
            ) : null}
            <span class="choice">
              <input type="checkbox" id={`f-remove-${a.id}`} name="remove" value={a.id} />
              <label for={`f-remove-${a.id}`}>Remove {a.name}</label>
            </span>
          </li>
        ))}
      </ul>
      <div class="upload" data-upload="">
        <TextField name="fileAlt" label="Description of the image (for an image)" value="" errors={errors} />
        <div class={errors.get('file')?.length ? 'field invalid' : 'field'}>
          <label for={fieldId('file')}>Attach a file</label>
          {errors.get('file')?.length ? (
            <p class="field-error" id="f-file-error">
              <span class="visually-hidden">Error: </span>
              {errors.get('file')?.join(' ')}
            </p>
          ) : null}
          <input
            type="file"
            id={fieldId('file')}
            name="file"
            accept="application/pdf,image/jpeg,image/png,image/webp"
            aria-describedby={errors.get('file')?.length ? 'f-file-error' : undefined}
          />
        </div>
        <p class="upload-status" role="status" data-upload-status="" />
      </div>
    </fieldset>
  );
}

export function ComposePage({
  office,
  heading,
  headingNode,
  action,
  values,
  options,
  errors,
  previewHtml,
  dir,
  buttons = {},
  hidden = {},
  intro,
  after,
  notice,
}: ComposePageProps) {
  return (
    <DeskPage title={heading} heading={headingNode} office={office} notice={notice}>
      <ErrorSummary errors={errors} labels={COMPOSE_LABELS} targets={{ attachments: 'attachments', form: 'f-title' }} />
      {intro ?? null}
      <form method="post" action={action} enctype="multipart/form-data" class="desk-form compose" data-compose="">
        <Csrf token={office.csrf} />
        <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
        {Object.entries(hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <TextField name="title" label="Title" value={values.title} errors={errors} required />
        <TextArea name="summary" label="Summary" value={values.summary} errors={errors} rows={3} hint="Optional: one or two sentences." />
        <TextArea
          name="body"
          label="Text"
          value={values.body}
          errors={errors}
          rows={16}
          required
          lang={values.language}
          dir={dir}
          hint="Markdown: **bold**, *italic*, [a link](https://…), lines starting with - for a list, # for a heading."
        />
        <section class="preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          <p class="hint" data-preview-status="">
            {previewHtml === undefined ? 'Press Preview to see the text as readers will.' : 'As readers will see it.'}
          </p>
          <div
            id="preview"
            class="body"
            lang={values.language}
            dir={dir}
            data-preview=""
            dangerouslySetInnerHTML={{ __html: previewHtml ?? '' }}
          />
        </section>
        <Select name="language" label="Language" value={values.language} errors={errors} options={options.languages} />
        <TextField
          name="topics"
          label="Topics"
          value={values.topics}
          errors={errors}
          hint="Optional: short words separated by spaces or commas, e.g. workers peace."
        />
        {options.parties.length ? (
          <Choices
            name="cosigners"
            legend="Co-signers to invite"
            type="checkbox"
            options={options.parties}
            chosen={values.cosigners}
            errors={errors}
            hint="Each party chosen is asked to sign with its own key; it appears on the statement once it has."
          />
        ) : null}
        <Select
          name="translationOf"
          label="Translation of"
          value={values.translationOf}
          errors={errors}
          hint="If this is a translation of one of your statements, choose it: the pages link the language versions."
          options={[{ value: '', label: 'Not a translation' }, ...options.translatable]}
        />
        <Attachments values={values} errors={errors} />
        <fieldset class="field when">
          <legend>Schedule (for the Schedule button)</legend>
          <TextField
            name="publishAt"
            label="Publication date and time"
            type="datetime-local"
            step="1"
            value={values.publishAt}
            errors={errors}
            hint={`In the time zone below (${values.timeZone}, ${options.zoneOffset}).`}
          />
          <Select
            name="timeZone"
            label="Time zone"
            value={values.timeZone}
            errors={errors}
            options={options.timeZones.map((z) => ({ value: z, label: z }))}
          />
        </fieldset>
        <div class="actions">
          <button type="submit" name="action" value="preview" formnovalidate>
            Preview
          </button>
          {buttons.publish === null ? null : (
            <button type="submit" name="action" value="publish">
              {buttons.publish ?? 'Publish now'}
            </button>
          )}
          <button type="submit" name="action" value="schedule">
            {buttons.schedule ?? 'Schedule'}
          </button>
        </div>
      </form>
      {after ?? null}
    </DeskPage>
  );
}
