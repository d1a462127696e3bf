// Answers of the desk: whole pages with the desk's headers, and its errors as pages (or problem+json to its script).
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { AppError, AuthenticationError, RateLimitedError } from '../../../shared/errors.js';
import { CONTENT_SECURITY_POLICY } from '../../../shared/site/security-headers.js';
import { renderDocument } from '../../../shared/site/templates/layout.js';
import { problemFor } from '../problem.js';
import { DeskPage } from './templates/layout.js';
import { SignInPage } from './templates/sign-in.js';

/** Every desk answer: the site's CSP, never cached or framed or indexed, and no address sent on in a Referer. */
export const DESK_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
};

export async function html(c: Context, node: Child, status: 200 | 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 500 = 200) {
  return c.html(await renderDocument(node as never), status);
}

/** Notices after a redirect, by a fixed code: nothing the address bar carries is shown as it is. */
const NOTICES: Record<string, string> = {
  'signed-out': 'You are signed out.',
  published: 'The statement is published. Its page and listings appear within seconds.',
  scheduled: 'The statement is scheduled. Nothing of it is visible until its time.',
  rescheduled: 'The scheduled statement is changed.',
  cancelled: 'The scheduled statement is cancelled: it will not be published.',
  corrected: 'The correction is published, with its note.',
  retracted: 'The statement is retracted: its page shows the retraction notice.',
  signed: 'The statement is signed: your party appears on it now, and your readers are mailed it.',
};

export function noticeOf(c: Context): string | undefined {
  return NOTICES[c.req.query('done') ?? ''];
}

const TITLES: Record<number, string> = {
  400: 'The request was not understood',
  401: 'Sign in again',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Not allowed',
  409: 'This cannot be done now',
  412: 'Changed meanwhile',
  413: 'Too large',
  415: 'Not a form',
  422: 'Not valid',
  429: 'Too many attempts',
};

/** Errors the handlers did not turn into a form with messages: a page that says what happened and where to go. */
export async function deskError(err: Error, c: Context): Promise<Response> {
  // The desk's script asks for JSON (uploads, preview): it gets the API's problem+json.
  if ((c.req.header('accept') ?? '').includes('application/json')) return problemFor(err, c);
  if (!(err instanceof AppError)) {
    console.error(JSON.stringify({ level: 'error', message: 'unhandled error', path: c.req.path, error: String(err), stack: err.stack }));
    const res = await html(
      c,
      <DeskPage title="Something went wrong">
        <p>Something went wrong on our side; nothing you sent is lost if it was confirmed. Try again in a moment.</p>
      </DeskPage>,
      500,
    );
    return res;
  }
  if (err instanceof AuthenticationError) {
    return html(c, <SignInPage notice={err.message} />, 401);
  }
  const status = err.status as 400 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429;
  if (err instanceof RateLimitedError) c.header('retry-after', String(err.retryAfterSeconds));
  return html(
    c,
    <DeskPage title={TITLES[status] ?? 'Not done'}>
      <p role="alert">{err.message}</p>
      <p>
        <a href="/desk/">Back to your statements</a>
      </p>
    </DeskPage>,
    status,
  );
}
