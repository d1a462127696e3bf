// The one place that turns errors into RFC 9457 problem responses.
import type { Context } from 'hono';
import {
  AppError,
  AuthenticationError,
  type FieldIssue,
  MethodNotAllowedError,
  RateLimitedError,
  ValidationError,
} from '../../shared/errors.js';

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

/** The headers some problems need to be acted on: how to authenticate, which methods, when to retry. */
function headersFor(error: AppError): Record<string, string> {
  if (error instanceof AuthenticationError) return { 'www-authenticate': 'Bearer realm="communique"' };
  if (error instanceof MethodNotAllowedError) return { allow: error.allow.join(', ') };
  if (error instanceof RateLimitedError) return { 'retry-after': String(error.retryAfterSeconds) };
  return {};
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
    return problemResponse(problem, headersFor(error));
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
