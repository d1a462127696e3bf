// Cross-site request forgery: every desk POST must come from a page of this site (Fetch Metadata, else
// Origin) and, once signed in, carry the session's token; the SameSite=Strict cookie is a third guard.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../../../shared/errors.js';
import type { DeskForm } from './form.js';

const CROSS_SITE = 'This form was not sent from a page of the desk. Open the desk in your browser and send it from there.';

/**
 * Browsers say where a request comes from in Sec-Fetch-Site, which no page can set: only 'same-origin'
 * passes. Browsers too old to send it send Origin, which must then be the site's own (`origins`: the
 * configured public origin and the request's). A request with neither header is left to the token.
 */
export function sameOriginPosts(origins: (c: Context) => string[]): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const site = c.req.header('sec-fetch-site');
      const origin = c.req.header('origin');
      if (site !== undefined ? site !== 'same-origin' : origin !== undefined && !origins(c).includes(origin)) {
        throw new ForbiddenError(CROSS_SITE);
      }
    }
    await next();
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session's token, from the form's hidden `csrf` field or (scripts) the X-CSRF-Token header. */
export function requireCsrfToken<E extends { Variables: { csrf: string; form: DeskForm } }>(): MiddlewareHandler<E> {
  return async (c, next) => {
    const given = c.req.header('x-csrf-token') ?? c.get('form').text('csrf');
    if (!given || !sameToken(given, c.get('csrf'))) {
      throw new ForbiddenError('This form is out of date or was not sent from your desk session. Reload the page and send it again.');
    }
    await next();
  };
}
