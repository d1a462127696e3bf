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

/** Turns zod issues into field paths a press office can act on. */
export function fieldIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
