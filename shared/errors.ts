// The error hierarchy of the domain; functions/api/problem.ts is the one place that maps it to HTTP.

export interface FieldIssue {
  /** JSON path of the failing field, e.g. "topics.2" or "" for the whole body. */
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number = 500;
  readonly title: string = 'Internal error';
}

export class MalformedRequestError extends AppError {
  override name = 'MalformedRequestError';
  override readonly status = 400;
  override readonly title = 'Malformed request';
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  override readonly status = 422;
  override readonly title = 'Invalid request';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class AuthenticationError extends AppError {
  override name = 'AuthenticationError';
  override readonly status = 401;
  override readonly title = 'Not authenticated';
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  override readonly status = 403;
  override readonly title = 'Forbidden';
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  override readonly status = 404;
  override readonly title = 'Not found';
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  override readonly status = 409;
  override readonly title = 'Conflict';
}

/** If-Match named a version that is no longer the current one: read the statement again (HTTP 412). */
export class VersionMismatchError extends AppError {
  override name = 'VersionMismatchError';
  override readonly status = 412;
  override readonly title = 'Precondition failed';
}

/** A change of a stored statement must say which version it was made from (HTTP 428). */
export class PreconditionRequiredError extends AppError {
  override name = 'PreconditionRequiredError';
  override readonly status = 428;
  override readonly title = 'Precondition required';
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  override readonly status = 413;
  override readonly title = 'Payload too large';
}

export class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  override readonly status = 415;
  override readonly title = 'Unsupported media type';
}

/** The client stopped sending (or the connection broke) before the whole body arrived. */
export class IncompleteBodyError extends MalformedRequestError {
  override name = 'IncompleteBodyError';
}

export class MethodNotAllowedError extends AppError {
  override name = 'MethodNotAllowedError';
  override readonly status = 405;
  override readonly title = 'Method not allowed';
  constructor(
    message: string,
    readonly allow: readonly string[],
  ) {
    super(message);
  }
}

export class RateLimitedError extends AppError {
  override name = 'RateLimitedError';
  override readonly status = 429;
  override readonly title = 'Too many requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The address already belongs to another subscriber: look it up by address and update that one. */
export class AddressTakenError extends Error {
  override name = 'AddressTakenError';
}

/** A record changed since it was read (its revision moved on): read it again and retry the change. */
export class StaleWriteError extends Error {
  override name = 'StaleWriteError';
}

/** A conditional put lost: the object changed since it was read. Read again and retry. */
export class PreconditionFailedError extends Error {
  override name = 'PreconditionFailedError';
}

/** A lock stayed held past the wait limit; the caller fails and its queue retries later. */
export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

/** What a consumer read is older than what is already published (eventual consistency); retry later. */
export class StaleReadError extends Error {
  override name = 'StaleReadError';
}

/** The mail provider kept refusing for its send rate after retries with backoff; the job is retried later. */
export class ThrottledError extends Error {
  override name = 'ThrottledError';
}

/** Turns zod issues into field paths a press office can act on. */
export function fieldIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
