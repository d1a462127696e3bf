// Paged lists of the API: the query every list takes (a cursor and a limit), and the answer every list
// gives (its items, the cursor of the next page, and a link to it in the body and the Link header).
import type { Context } from 'hono';
import * as z from '../../shared/domain/schema.js';
import { fieldIssues, ValidationError } from '../../shared/errors.js';
import type { Page } from '../../shared/ports.js';

export const PageQuery = z.object({
  cursor: z.optional(z.string().check(z.maxLength(500))),
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(100))), 20),
});

/** The request's query, as `schema` (PageQuery, or one extending it) reads it; 422 when it does not. */
export function pageQuery<S extends z.ZodMiniType>(c: Context, schema: S): z.output<S> {
  const q = schema.safeParse(c.req.query());
  if (!q.success) throw new ValidationError('The query is not valid.', fieldIssues(q.error.issues));
  return q.data as z.output<S>;
}

/** The page as the API answers it; `keep` holds the query's other parameters, which the next page keeps. */
export function pagedJson<T, V>(
  c: Context,
  path: string,
  limit: number,
  page: Page<T>,
  view: (item: T) => V,
  keep: Record<string, string> = {},
): Response {
  const next = page.nextCursor ? `${path}?${new URLSearchParams({ ...keep, cursor: page.nextCursor, limit: String(limit) })}` : undefined;
  if (next) c.header('link', `<${next}>; rel="next"`);
  return c.json({ items: page.items.map(view), ...(next ? { nextCursor: page.nextCursor, next } : {}) });
}
