// A scheduled statement's record at the desk, and the form that cancels it.
import type { ScheduledView } from '../../../../shared/domain/scheduled.js';
import { formatTime } from '../states.js';
import { Csrf, type FieldErrors } from './fields.js';

export function ScheduledRecord({ view, timeZone }: { view: ScheduledView; timeZone: string }) {
  return (
    <>
      <dl class="record">
        <dt>State</dt>
        <dd>
          {view.state === 'publishing' ? 'being published now' : view.state}
          {view.failure ? `: ${view.failure}` : ''}
        </dd>
        <dt>Publishes at</dt>
        <dd>{formatTime(view.publishAt, timeZone)}</dd>
      </dl>
      <p>Nothing of it is visible to readers, to other parties or in email until then. Change it below, or cancel it.</p>
    </>
  );
}

export function CancelScheduled({ view, csrf, errors }: { view: ScheduledView; csrf: string; errors: FieldErrors }) {
  const own = errors.get('confirm');
  return (
    <section aria-labelledby="cancel-heading" class="cancel">
      <h2 id="cancel-heading">Cancel it</h2>
      <form method="post" action={`/desk/scheduled/${view.id}/cancel`} class="desk-form">
        <Csrf token={csrf} />
        <input type="hidden" name="revision" value={String(view.revision)} />
        {own?.length ? (
          <p class="field-error" id="f-confirm-error">
            <span class="visually-hidden">Error: </span>
            {own.join(' ')}
          </p>
        ) : null}
        <div class={own?.length ? 'choice invalid' : 'choice'}>
          <input
            type="checkbox"
            id="f-confirm"
            name="confirm"
            value="yes"
            required
            aria-invalid={own?.length ? 'true' : undefined}
            aria-describedby={own?.length ? 'f-confirm-error' : undefined}
          />
          <label for="f-confirm">Cancel this statement: it will not be published</label>
        </div>
        <button type="submit" class="danger">
          Cancel the statement
        </button>
      </form>
    </section>
  );
}
