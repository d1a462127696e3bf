// A published statement at the desk: its page, and correcting or retracting it through the API's services.
import type { Context, Hono } from 'hono';
import type { Statement } from '../../../shared/domain/statement.js';
import { NotFoundError, VersionMismatchError } from '../../../shared/errors.js';
import { correctStatement, retractStatement, statementEtag } from '../../../shared/services/corrections.js';
import { readStatement } from '../../../shared/services/read-statement.js';
import { signStatement } from '../../../shared/services/statements.js';
import { recordAction } from '../audit.js';
import { composeValuesFrom } from './compose.js';
import { MAX_COMPOSE_BYTES, refusalErrors } from './compose-routes.js';
import { attachPostedFile } from './desk-attachments.js';
import { html, noticeOf } from './render.js';
import type { DeskGuards, DeskPlatform } from './routes.js';
import type { DeskEnv } from './session.js';
import { officeOf } from './statements-page.js';
import type { FieldErrors } from './templates/fields.js';
import { CorrectPage, type CorrectValues, RetractPage, StatementDeskPage } from './templates/statement.js';
import { defaultTimeZone } from './time-zone.js';

/** The statement as the office may see it at the desk: one it wrote or signed; any other is as unknown as none. */
async function ownStatement(p: DeskPlatform, c: Context<DeskEnv>): Promise<Statement> {
  const party = c.get('party');
  const s = await readStatement(p, c.req.param('id') ?? '');
  if (!s || (s.party !== party && !s.cosigners.includes(party))) throw new NotFoundError('You have no statement at this address.');
  return s;
}

function correctValuesOf(s: Statement): CorrectValues {
  return {
    title: s.title,
    summary: s.summary,
    body: s.bodyMarkdown,
    topics: s.topics.join(' '),
    correctionNote: '',
    notify: false,
    version: s.version,
    attachments: (s.attachments ?? []).map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, alt: a.alt ?? '' })),
  };
}

export function addStatementRoutes(desk: Hono<DeskEnv>, p: DeskPlatform, guards: DeskGuards): void {
  const office = (c: Context<DeskEnv>) => officeOf(p, { party: c.get('party'), csrf: c.get('csrf') });

  desk.get('/statements/:id', guards.page, (c) => c.redirect(`/desk/statements/${encodeURIComponent(c.req.param('id'))}/`, 301));

  desk.get('/statements/:id/', guards.page, async (c) => {
    const s = await ownStatement(p, c);
    const [o, parties] = await Promise.all([office(c), p.parties.list()]);
    return html(
      c,
      <StatementDeskPage
        office={o}
        s={s}
        timeZone={defaultTimeZone(o.country)}
        partyNames={new Map(parties.map((x) => [x.id, x.name]))}
        notice={noticeOf(c)}
      />,
    );
  });

  desk.get('/statements/:id/correct', guards.page, async (c) => {
    const s = await ownStatement(p, c);
    if (s.party !== c.get('party')) throw new NotFoundError('Only its author corrects a statement.');
    return html(c, <CorrectPage office={await office(c)} s={s} values={correctValuesOf(s)} errors={new Map()} />);
  });

  desk.post('/statements/:id/correct', guards.post(MAX_COMPOSE_BYTES), async (c) => {
    const s = await ownStatement(p, c);
    const form = c.get('form');
    const posted = composeValuesFrom(form, undefined);
    const values: CorrectValues = {
      title: posted.title,
      summary: posted.summary,
      body: posted.body,
      topics: posted.topics,
      correctionNote: form.text('correctionNote'),
      notify: form.text('notifySubscribers') === 'true',
      version: Number(form.text('version')) || 0,
      attachments: posted.attachments,
    };
    const page = async (errors: FieldErrors, status: 412 | 422, stale = false) =>
      html(c, <CorrectPage office={await office(c)} s={s} values={values} errors={errors} stale={stale} />, status);

    const file = form.fileList('file')[0];
    if (file) {
      const attached = await attachPostedFile(p, c, file, form.text('fileAlt'));
      if ('error' in attached) return page(new Map([['file', [attached.error]]]), 422);
      values.attachments.push(attached);
    }
    const body = {
      title: values.title,
      summary: values.summary,
      body: values.body,
      topics: values.topics.split(/[\s,]+/).filter(Boolean),
      attachments: values.attachments.map((a) => ({ id: a.id, ...(a.alt.trim() ? { alt: a.alt } : {}) })),
      correctionNote: values.correctionNote,
      notifySubscribers: values.notify,
    };
    let corrected: Statement;
    try {
      corrected = await correctStatement(p, c.get('party'), s.id, body, statementEtag({ version: values.version }));
    } catch (e) {
      if (e instanceof VersionMismatchError) {
        const message = `The statement was changed since you opened this form (you edited version ${values.version}; it is now at version ${s.version}).`;
        return page(new Map([['form', [message]]]), 412, true);
      }
      return page(refusalErrors(e, { ...posted, attachments: values.attachments }), 422);
    }
    await recordAction(p, c, 'statement.correct', s.id, values.correctionNote);
    return c.redirect(`/desk/statements/${corrected.id}/?done=corrected`, 303);
  });

  // A statement this office was invited to sign, signed from the list of invitations.
  desk.post('/statements/:id/sign', guards.post(16 * 1024), async (c) => {
    const { statement, created } = await signStatement(p, c.get('party'), c.req.param('id') ?? '');
    await recordAction(p, c, 'statement.sign', statement.id, created ? statement.title : 'already signed');
    return c.redirect('/desk/?done=signed', 303);
  });

  desk.get('/statements/:id/retract', guards.page, async (c) => {
    const s = await ownStatement(p, c);
    if (s.party !== c.get('party')) throw new NotFoundError('Only its author retracts a statement.');
    return html(c, <RetractPage office={await office(c)} s={s} reason="" errors={new Map()} />);
  });

  desk.post('/statements/:id/retract', guards.post(16 * 1024), async (c) => {
    const s = await ownStatement(p, c);
    const form = c.get('form');
    const reason = form.text('reason');
    const page = async (errors: FieldErrors) =>
      html(c, <RetractPage office={await office(c)} s={s} reason={reason} errors={errors} />, 422);
    if (form.text('confirm') !== 'yes') {
      return page(new Map([['confirm', ['tick the box to confirm that readers will no longer see the text']]]));
    }
    try {
      await retractStatement(p, c.get('party'), s.id, { reason });
    } catch (e) {
      return page(refusalErrors(e, composeValuesFrom(form, undefined)));
    }
    await recordAction(p, c, 'statement.retract', s.id, reason);
    return c.redirect(`/desk/statements/${s.id}/?done=retracted`, 303);
  });
}
