// Form controls of the desk: each with its label, hint and error (aria-describedby), and the error summary.
import type { Child } from 'hono/jsx';

/** Messages by form field name, in the order the form shows the fields. */
export type FieldErrors = Map<string, string[]>;

export const fieldId = (name: string) => `f-${name}`;
const hintId = (name: string) => `f-${name}-hint`;
const errorId = (name: string) => `f-${name}-error`;

function describedBy(name: string, hint: boolean, errors: string[] | undefined): string | undefined {
  const ids = [hint ? hintId(name) : '', errors?.length ? errorId(name) : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}

/**
 * Every error of the form, each a link to its field, read out as soon as the page opens (role="alert")
 * and focused by desk.js. `labels` names each field as its label does; `targets` maps a field to the id
 * of the control its link moves to (the first box of a group).
 */
export function ErrorSummary({
  errors,
  labels,
  targets = {},
  intro = 'The form has errors; nothing was saved.',
}: {
  errors: FieldErrors;
  labels: Record<string, string>;
  targets?: Record<string, string>;
  intro?: string;
}) {
  if (errors.size === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} data-focus-on-load="">
      <h2 id="error-summary-title">There is a problem</h2>
      <p>{intro}</p>
      <ul>
        {[...errors].flatMap(([name, messages]) =>
          messages.map((m) => (
            <li>
              <a href={`#${targets[name] ?? fieldId(name)}`}>{`${labels[name] ?? name}: ${m}`}</a>
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

function FieldError({ name, errors }: { name: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p class="field-error" id={errorId(name)}>
      <span class="visually-hidden">Error: </span>
      {errors.join(' ')}
    </p>
  );
}

/** A field's hint and error, in the order a screen reader meets them after its label. */
function HintAndError({ name, hint, own }: { name: string; hint?: Child; own: string[] | undefined }) {
  return (
    <>
      {hint ? (
        <p class="hint" id={hintId(name)}>
          {hint}
        </p>
      ) : null}
      <FieldError name={name} errors={own} />
    </>
  );
}

/** One control with its label, hint and error. */
function Field({
  name,
  label,
  hint,
  own,
  children,
}: {
  name: string;
  label: string;
  hint?: Child;
  own: string[] | undefined;
  children: Child;
}) {
  return (
    <div class={own?.length ? 'field invalid' : 'field'}>
      <label for={fieldId(name)}>{label}</label>
      <HintAndError name={name} hint={hint} own={own} />
      {children}
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value: string;
  errors: FieldErrors;
  hint?: Child;
  required?: boolean;
}

export function TextField({
  name,
  label,
  value,
  errors,
  hint,
  required,
  type = 'text',
  autocomplete,
  step,
}: FieldProps & { type?: string; autocomplete?: string; step?: string }) {
  const own = errors.get(name);
  return (
    <Field name={name} label={label} hint={hint} own={own}>
      <input
        type={type}
        id={fieldId(name)}
        name={name}
        value={value}
        required={required}
        autocomplete={autocomplete}
        step={step}
        aria-invalid={own?.length ? 'true' : undefined}
        aria-describedby={describedBy(name, Boolean(hint), own)}
      />
    </Field>
  );
}

export function TextArea({
  name,
  label,
  value,
  errors,
  hint,
  required,
  rows = 4,
  lang,
  dir,
}: FieldProps & { rows?: number; lang?: string; dir?: string }) {
  const own = errors.get(name);
  return (
    <Field name={name} label={label} hint={hint} own={own}>
      <textarea
        id={fieldId(name)}
        name={name}
        rows={rows}
        required={required}
        lang={lang}
        dir={dir}
        aria-invalid={own?.length ? 'true' : undefined}
        aria-describedby={describedBy(name, Boolean(hint), own)}
      >
        {value}
      </textarea>
    </Field>
  );
}

export function Select({ name, label, value, errors, hint, options }: FieldProps & { options: Array<{ value: string; label: string }> }) {
  const own = errors.get(name);
  return (
    <Field name={name} label={label} hint={hint} own={own}>
      <select
        id={fieldId(name)}
        name={name}
        aria-invalid={own?.length ? 'true' : undefined}
        aria-describedby={describedBy(name, Boolean(hint), own)}
      >
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A group of choices in a fieldset; the first box carries the group's id, for the error summary's link. */
export function Choices({
  name,
  legend,
  type,
  options,
  chosen,
  errors,
  hint,
}: {
  name: string;
  legend: string;
  type: 'checkbox' | 'radio';
  options: Array<{ value: string; label: string; hint?: string }>;
  chosen: string[];
  errors: FieldErrors;
  hint?: Child;
}) {
  const own = errors.get(name);
  return (
    <fieldset class={own?.length ? 'field invalid' : 'field'} aria-describedby={describedBy(name, Boolean(hint), own)}>
      <legend>{legend}</legend>
      <HintAndError name={name} hint={hint} own={own} />
      {options.map((o, i) => (
        <div class="choice">
          <input
            type={type}
            id={i === 0 ? fieldId(name) : `${fieldId(name)}-${i}`}
            name={name}
            value={o.value}
            checked={chosen.includes(o.value)}
          />
          <label for={i === 0 ? fieldId(name) : `${fieldId(name)}-${i}`}>
            {o.label}
            {o.hint ? <span class="choice-hint"> {o.hint}</span> : null}
          </label>
        </div>
      ))}
    </fieldset>
  );
}
