// Scheduled statements (embargoes) in the API: an office sees, lists, changes and cancels its own; to
// anyone else a scheduled statement does not exist (404) until it is published.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { type ScheduledView, scheduledEtag } from '../../shared/domain/scheduled.js';
import type { Platform } from '../../shared/platform.js';
import { changeScheduled } from '../../shared/services/scheduled-changes.js';
import { cancelScheduled, getScheduled, listScheduled } from '../../shared/services/scheduling.js';
import { recordAction } from './audit.js';
import { type AuthEnv, requirePressKey } from './auth.js';
import { readJsonBody } from './body.js';
import { PageQuery, pagedJson, pageQuery } from './paging.js';

type ApiPlatform = Omit<Platform, 'mailer'>;

/** A scheduled statement's answer: its view, with the ETag a change or cancellation names ("s3"). */
export function scheduledResponse(c: Context<AuthEnv>, view: ScheduledView, status: 200 | 202 = 200): Response {
  c.header('etag', scheduledEtag(view));
  return c.json(view, status);
}

/**
 * GET /v1/statements/{id} of an id nothing is published under: with its own office's key, the scheduled
 * statement; otherwise undefined, and the caller answers 404 as for any unknown id.
 */
export async function ownScheduledResponse(p: ApiPlatform, c: Context<AuthEnv>, id: string): Promise<Response | undefined> {
  if (!c.req.header('authorization')) return undefined;
  await requirePressKey(p.keys, p.clock)(c, async () => {});
  const view = await getScheduled(p, c.get('party'), id);
  return view ? scheduledResponse(c, view) : undefined;
}

/**
 * PUT /v1/statements/{id} (after requirePressKey): a scheduled statement of the key's party is changed
 * here, before its body is read; undefined for any other id (a published statement is corrected instead).
 */
export async function changeIfScheduled(p: ApiPlatform, c: Context<AuthEnv>): Promise<Response | undefined> {
  const id = c.req.param('id') as string;
  if (!(await p.scheduled.get(c.get('party'), id))) return undefined;
  const view = await changeScheduled(p, c.get('party'), id, await readJsonBody(c.req.raw), c.req.header('if-match'));
  await recordAction(p, c, 'statement.reschedule', id, `${view.title} at ${view.publishAt}`);
  return scheduledResponse(c, view);
}

export function addScheduledRoutes(v1: Hono<AuthEnv>, p: ApiPlatform, perPressKey: MiddlewareHandler<AuthEnv>): void {
  v1.get('/scheduled', requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    const q = pageQuery(c, PageQuery);
    const page = await listScheduled(p, c.get('party'), { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
    return pagedJson(c, '/v1/scheduled', q.limit, page, (item) => item);
  });

  // Cancelling an embargo; a published statement is retracted instead (409 says so).
  v1.delete('/statements/:id', requirePressKey(p.keys, p.clock), perPressKey, async (c) => {
    const id = c.req.param('id');
    await cancelScheduled(p, c.get('party'), id, c.req.header('if-match'));
    await recordAction(p, c, 'statement.cancel', id);
    return c.body(null, 204);
  });
}
