// Writing a statement at the desk: the form, its preview, files, and publishing it now or scheduling it.
import type { Context, Hono } from 'hono';
import { MAX_ATTACHMENT_BYTES } from '../../../shared/domain/attachment-files.js';
import { markdownToSafeHtml } from '../../../shared/domain/markdown.js';
import { EMBARGO_MIN_AHEAD_MS } from '../../../shared/domain/scheduled.js';
import { AppError, ValidationError } from '../../../shared/errors.js';
import { submitStatement } from '../../../shared/services/statements.js';
import { recordAction } from '../audit.js';
import { rateLimit } from '../rate-limit.js';
import {
  composeOptions,
  composeValuesFrom,
  directionOfTag,
  emptyCompose,
  errorsFrom,
  newIdempotencyKey,
  statementInputOf,
} from './compose.js';
import { addUploadRoutes, attachPostedFile } from './desk-attachments.js';
import { MAX_FORM_BYTES } from './form.js';
import { html, noticeOf } from './render.js';
import type { DeskGuards, DeskPlatform } from './routes.js';
import type { DeskEnv } from './session.js';
import { officeFrom } from './statements-page.js';
import { ComposePage, type ComposePageProps, type ComposeValues } from './templates/compose.js';
import type { FieldErrors } from './templates/fields.js';
import { isTimeZone, zonedTimeToInstant } from './time-zone.js';

/** The text and fields, and a file chosen without the page's script, with its multipart framing. */
export const MAX_COMPOSE_BYTES = MAX_FORM_BYTES + MAX_ATTACHMENT_BYTES + 64 * 1024;
/** Previews follow typing (debounced by the script): generous, but bounded per session. */
const PREVIEWS_PER_MINUTE = 240;

type Status = 200 | 403 | 409 | 412 | 422;

export async function renderCompose(
  c: Context<DeskEnv>,
  p: DeskPlatform,
  page: { values: ComposeValues; errors: FieldErrors; status?: Status } & Partial<
    Pick<ComposePageProps, 'heading' | 'headingNode' | 'action' | 'buttons' | 'hidden' | 'intro' | 'after'>
  >,
) {
  const party = c.get('party');
  const [own, parties, recent] = await Promise.all([p.parties.get(party), p.parties.list(), p.statements.list({ party, limit: 50 })]);
  const office = officeFrom(own, { party, csrf: c.get('csrf') });
  const { values, errors } = page;
  return html(
    c,
    <ComposePage
      office={office}
      heading={page.heading ?? 'Write a statement'}
      headingNode={page.headingNode}
      action={page.action ?? '/desk/statements'}
      values={values}
      errors={errors}
      options={composeOptions(own, parties, recent.items, values, p.clock.now())}
      dir={directionOfTag(values.language)}
      previewHtml={values.body.trim() ? markdownToSafeHtml(values.body, p.config.siteUrl) : undefined}
      notice={noticeOf(c)}
      buttons={page.buttons}
      hidden={page.hidden}
      intro={page.intro}
      after={page.after}
    />,
    page.status ?? 200,
  );
}

/** The time the Schedule button publishes at, or the errors that say why there is none. */
export function scheduledInstant(values: ComposeValues, now: Date): { at?: Date; errors: FieldErrors } {
  const errors: FieldErrors = new Map();
  const at = zonedTimeToInstant(values.publishAt, values.timeZone);
  if (!isTimeZone(values.timeZone)) errors.set('timeZone', ['choose a time zone from the list']);
  else if (!values.publishAt) errors.set('publishAt', ['enter the date and time to publish at, or press Publish now']);
  else if (!at) errors.set('publishAt', ['enter a date and time that exists, e.g. 2026-12-01 09:30']);
  else if (at.getTime() <= now.getTime() + EMBARGO_MIN_AHEAD_MS) {
    errors.set('publishAt', ['is not in the future: choose a later time, or press Publish now']);
  }
  return errors.size ? { errors } : { at, errors };
}

/** The errors of a refused submission, beside their fields; anything else is rethrown to the error page. */
export function refusalErrors(e: unknown, values: ComposeValues): FieldErrors {
  if (e instanceof ValidationError) {
    return errorsFrom(e.issues.length ? e.issues : [{ path: '', message: e.message }], values.attachments);
  }
  // Refusals that are not about one field (a translation in a language it has already): said at the top.
  if (e instanceof AppError && e.status >= 400 && e.status < 500 && e.status !== 401) return new Map([['form', [e.message]]]);
  throw e;
}

export function addComposeRoutes(desk: Hono<DeskEnv>, p: DeskPlatform, guards: DeskGuards): void {
  desk.get('/statements/new', guards.page, async (c) =>
    renderCompose(c, p, { values: emptyCompose(await p.parties.get(c.get('party'))), errors: new Map() }),
  );

  desk.post('/statements', guards.post(MAX_COMPOSE_BYTES), async (c) => {
    const party = c.get('party');
    const form = c.get('form');
    const values = composeValuesFrom(form, await p.parties.get(party));
    const errors: FieldErrors = new Map();
    const file = form.fileList('file')[0];
    if (file) {
      const attached = await attachPostedFile(p, c, file, form.text('fileAlt'));
      if ('error' in attached) errors.set('file', [attached.error]);
      else values.attachments.push(attached);
    }
    const action = form.text('action');
    if (action === 'preview' || errors.size) return renderCompose(c, p, { values, errors, status: errors.size ? 422 : 200 });

    const input = statementInputOf(values);
    if (action === 'schedule') {
      const { at, errors: timeErrors } = scheduledInstant(values, p.clock.now());
      if (!at) return renderCompose(c, p, { values, errors: timeErrors, status: 422 });
      input.publishAt = at.toISOString();
    }
    let id: string;
    let scheduled: boolean;
    try {
      ({ id, scheduled } = await submit(p, party, input, values.idempotencyKey));
    } catch (e) {
      const refused = refusalErrors(e, values);
      // A new key: the one sent may be held by what was refused, and the corrected form is another statement.
      return renderCompose(c, p, { values: { ...values, idempotencyKey: newIdempotencyKey() }, errors: refused, status: 422 });
    }
    if (scheduled) {
      await recordAction(p, c, 'statement.schedule', id, `${values.title} at ${input.publishAt}`);
      return c.redirect(`/desk/scheduled/${id}/?done=scheduled`, 303);
    }
    await recordAction(p, c, 'statement.submit', id, values.title);
    return c.redirect(`/desk/statements/${id}/?done=published`, 303);
  });

  const perSession = rateLimit<DeskEnv>(
    p.rateLimiter,
    { limit: PREVIEWS_PER_MINUTE, windowSeconds: 60 },
    'desk session',
    (c) => `desk-preview:${c.get('sessionHash')}`,
  );
  // The live preview: the same sanitiser, and so the same HTML, as the published page.
  desk.post('/preview', guards.post(MAX_FORM_BYTES), perSession, async (c) => {
    const form = c.get('form');
    const language = form.text('language');
    return c.body(markdownToSafeHtml(form.text('body'), p.config.siteUrl), 200, {
      'content-type': 'text/html; charset=utf-8',
      'x-text-direction': directionOfTag(language),
    });
  });

  addUploadRoutes(desk, p, guards);
}

/** Publishes now or schedules (a publishAt ahead), through the API's own submission. */
async function submit(
  p: DeskPlatform,
  party: string,
  input: ReturnType<typeof statementInputOf>,
  key: string,
): Promise<{ id: string; scheduled: boolean }> {
  const result = await submitStatement(p, party, input, key);
  return { id: result.statement.id, scheduled: result.scheduled !== undefined };
}
