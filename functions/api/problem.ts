// The one place that turns errors into RFC 9457 problem responses.
import type { Context } from 'hono';
import { AppError, type FieldIssue, ValidationError } from '../../shared/errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

export function problemFor(error: unknown, c: Context): Response {
  if (error instanceof AppError) {
    const problem: Problem = {
      type: `https://communique.invalid/problems/${error.name.replace(/Error$/, '').replace(/[A-Z]/g, (m, i) => (i ? '-' : '') + m.toLowerCase())}`,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance: c.req.path,
      ...(error instanceof ValidationError && error.issues.length ? { errors: error.issues } : {}),
    };
    return problemResponse(problem, error.status === 401 ? { 'www-authenticate': 'Bearer realm="communique"' } : {});
  }
  console.error(
    JSON.stringify({ level: 'error', message: 'unhandled error', path: c.req.path, error: String(error), stack: (error as Error)?.stack }),
  );
  return problemResponse({
    type: 'about:blank',
    title: 'Internal error',
    status: 500,
    detail: 'Something went wrong on our side; the request may be retried.',
    instance: c.req.path,
  });
}
