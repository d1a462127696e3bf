// Corrections, retractions and the history of a statement: the routes of a press office changing what it published.
import type { Hono, MiddlewareHandler } from 'hono';
import { NotFoundError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import { correctStatement, retractStatement, statementEtag } from '../../shared/services/corrections.js';
import { textVersions } from '../../shared/services/history.js';
import { requireStatement } from '../../shared/services/read-statement.js';
import { recordAction } from './audit.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { declaredBodyLimit, MAX_BODY_BYTES, readJsonBody } from './body.js';
import { publicView } from './public-view.js';
import { changeIfScheduled } from './scheduled.js';

export function addStatementChangeRoutes(
  v1: Hono<AuthEnv>,
  p: Omit<Platform, 'mailer'>,
  perPressKey: MiddlewareHandler<AuthEnv>,
  perClient: MiddlewareHandler<AuthEnv>,
): void {
  v1.put('/statements/:id', declaredBodyLimit(MAX_BODY_BYTES), requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    // --- embargo: a scheduled statement is changed, not corrected (scheduled.ts) ---
    const rescheduled = await changeIfScheduled(p, c);
    if (rescheduled) return rescheduled;
    // --- end embargo ---
    const body = await readJsonBody(c.req.raw);
    const statement = await correctStatement(p, c.get('party'), c.req.param('id'), body, c.req.header('if-match'));
    await recordAction(p, c, 'statement.correct', statement.id, statement.corrections?.at(-1)?.note);
    c.header('etag', statementEtag(statement));
    return c.json(publicView(statement));
  });

  v1.post('/statements/:id/retraction', declaredBodyLimit(MAX_BODY_BYTES), requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    const body = await readJsonBody(c.req.raw);
    const statement = await retractStatement(p, c.get('party'), c.req.param('id'), body);
    await recordAction(p, c, 'statement.retract', statement.id, statement.retraction?.reason);
    c.header('etag', statementEtag(statement));
    return c.json(publicView(statement));
  });

  // The public record of a statement's text: every version with its correction note (none once retracted);
  // each version's text on its own, so that no answer grows with the number of corrections.
  v1.get('/statements/:id/versions', perClient, async (c) => {
    const current = await requireStatement(p, c.req.param('id'));
    const versions = current.retraction ? [] : await textVersions(p, current);
    c.header('etag', statementEtag(current));
    return c.json({
      id: current.id,
      version: current.version,
      ...(current.retraction ? { retraction: current.retraction } : {}),
      corrections: publicView({ corrections: current.corrections ?? [] }).corrections,
      versions: versions.map(({ text: _text, ...v }) => v),
    });
  });

  v1.get('/statements/:id/versions/:version', perClient, async (c) => {
    const current = await requireStatement(p, c.req.param('id'));
    const wanted = Number(c.req.param('version'));
    const found = current.retraction ? undefined : (await textVersions(p, current, wanted)).find((v) => v.version === wanted);
    if (!found) throw new NotFoundError(`Statement "${current.id}" has no text version ${c.req.param('version')}.`);
    return c.json(found);
  });
}
