// A scheduled statement at the desk: its time and text, changed or cancelled before it is published.
import type { Context, Hono } from 'hono';
import type { ScheduledView } from '../../../shared/domain/scheduled.js';
import { NotFoundError, VersionMismatchError } from '../../../shared/errors.js';
import { changeScheduled } from '../../../shared/services/scheduled-changes.js';
import { cancelScheduled, getScheduled } from '../../../shared/services/scheduling.js';
import { recordAction } from '../audit.js';
import { composeValuesFrom, newIdempotencyKey, statementInputOf } from './compose.js';
import { MAX_COMPOSE_BYTES, refusalErrors, renderCompose, scheduledInstant } from './compose-routes.js';
import { attachPostedFile } from './desk-attachments.js';
import type { DeskGuards, DeskPlatform } from './routes.js';
import type { DeskEnv } from './session.js';
import type { ComposeValues } from './templates/compose.js';
import type { FieldErrors } from './templates/fields.js';
import { StatementTitle } from './templates/layout.js';
import { CancelScheduled, ScheduledRecord } from './templates/scheduled.js';
import { defaultTimeZone, instantToZonedTime } from './time-zone.js';

/** The form's values from what was scheduled; its files named as they were uploaded. */
async function valuesOf(p: DeskPlatform, view: ScheduledView, timeZone: string): Promise<ComposeValues> {
  const input = view.input;
  const files = await Promise.all((input?.attachments ?? []).map((a) => p.attachments.get(a.id)));
  return {
    title: input?.title ?? view.title,
    summary: input?.summary ?? '',
    body: input?.body ?? '',
    language: input?.language ?? view.language,
    topics: (input?.topics ?? []).join(' '),
    cosigners: input?.cosigners ?? [],
    translationOf: input?.translationOf ?? '',
    publishAt: instantToZonedTime(view.publishAt, timeZone),
    timeZone,
    attachments: (input?.attachments ?? []).map((a, i) => ({
      id: a.id,
      name: files[i]?.name ?? a.id,
      contentType: files[i]?.contentType ?? 'application/pdf',
      alt: a.alt ?? '',
    })),
    idempotencyKey: newIdempotencyKey(),
  };
}

export function addScheduleRoutes(desk: Hono<DeskEnv>, p: DeskPlatform, guards: DeskGuards): void {
  const page = async (
    c: Context<DeskEnv>,
    view: ScheduledView,
    values: ComposeValues,
    errors: FieldErrors,
    status: 200 | 409 | 412 | 422 = 200,
  ) => {
    return renderCompose(c, p, {
      values,
      errors,
      status,
      heading: `Scheduled: ${view.title}`,
      headingNode: (
        <>
          Scheduled: <StatementTitle s={view} />
        </>
      ),
      action: `/desk/scheduled/${view.id}/`,
      buttons: { publish: null, schedule: 'Save the changes' },
      hidden: { revision: String(view.revision) },
      intro: <ScheduledRecord view={view} timeZone={values.timeZone} />,
      after: <CancelScheduled view={view} csrf={c.get('csrf')} errors={errors} />,
    });
  };

  /** The office's scheduled statement; once published, its page; otherwise 404 (another party's too). */
  const scheduled = async (c: Context<DeskEnv>): Promise<ScheduledView | Response> => {
    const id = c.req.param('id') ?? '';
    const view = await getScheduled(p, c.get('party'), id);
    if (view) return view;
    const published = await p.statements.get(id);
    if (published?.party === c.get('party')) return c.redirect(`/desk/statements/${encodeURIComponent(id)}/`, 303);
    throw new NotFoundError('You have no scheduled statement at this address: it may have been cancelled.');
  };

  desk.get('/scheduled/:id', guards.page, (c) => c.redirect(`/desk/scheduled/${encodeURIComponent(c.req.param('id'))}/`, 301));

  desk.get('/scheduled/:id/', guards.page, async (c) => {
    const view = await scheduled(c);
    if (view instanceof Response) return view;
    const zone = defaultTimeZone((await p.parties.get(c.get('party')))?.country);
    return page(c, view, await valuesOf(p, view, zone), new Map());
  });

  desk.post('/scheduled/:id/', guards.post(MAX_COMPOSE_BYTES), async (c) => {
    const view = await scheduled(c);
    if (view instanceof Response) return view;
    const form = c.get('form');
    const values = composeValuesFrom(form, await p.parties.get(c.get('party')));
    const file = form.fileList('file')[0];
    if (file) {
      const attached = await attachPostedFile(p, c, file, form.text('fileAlt'));
      if ('error' in attached) return page(c, view, values, new Map([['file', [attached.error]]]), 422);
      values.attachments.push(attached);
    }
    if (form.text('action') === 'preview') return page(c, view, values, new Map());
    const { at, errors } = scheduledInstant(values, p.clock.now());
    if (!at) return page(c, view, values, errors, 422);
    const revision = form.text('revision');
    try {
      await changeScheduled(p, c.get('party'), view.id, { ...statementInputOf(values), publishAt: at.toISOString() }, `"s${revision}"`);
    } catch (e) {
      if (e instanceof VersionMismatchError) {
        const message = 'The scheduled statement was changed since you opened this form; nothing was saved. Reload the page to see it.';
        return page(c, view, values, new Map([['form', [message]]]), 412);
      }
      return page(c, view, values, refusalErrors(e, values), 422);
    }
    await recordAction(p, c, 'statement.reschedule', view.id, `${values.title} at ${at.toISOString()}`);
    return c.redirect(`/desk/scheduled/${view.id}/?done=rescheduled`, 303);
  });

  desk.post('/scheduled/:id/cancel', guards.post(4096), async (c) => {
    const view = await scheduled(c);
    if (view instanceof Response) return view;
    const form = c.get('form');
    if (form.text('confirm') !== 'yes') {
      const zone = defaultTimeZone((await p.parties.get(c.get('party')))?.country);
      const errors: FieldErrors = new Map([['confirm', ['tick the box to confirm the cancellation']]]);
      return page(c, view, await valuesOf(p, view, zone), errors, 422);
    }
    await cancelScheduled(p, c.get('party'), view.id, `"s${form.text('revision')}"`);
    await recordAction(p, c, 'statement.cancel', view.id, view.title);
    return c.redirect('/desk/?done=cancelled', 303);
  });
}
