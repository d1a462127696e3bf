// Request bodies: read within a byte limit, and a client that stops sending mid-body is a 400, not our error.
import type { MiddlewareHandler } from 'hono';
import {
  AppError,
  IncompleteBodyError,
  MalformedRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../shared/errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

const statementTooLarge = (maxBytes: number) => `A statement may be at most ${maxBytes} bytes of JSON; put large files in attachments.`;

/** Refuses a declared Content-Length over the limit before the key is checked or a byte is read. */
export function declaredBodyLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > maxBytes) throw new PayloadTooLargeError(statementTooLarge(maxBytes));
    await next();
  };
}

/**
 * The body's bytes, read within the limit (never more is buffered). Aborted uploads and broken streams
 * become IncompleteBodyError (400), never a 500.
 */
export async function readBodyBytes(
  req: Request,
  maxBytes: number,
  tooLarge = `The body may be at most ${maxBytes} bytes.`,
): Promise<Uint8Array<ArrayBuffer>> {
  const incomplete = () => new IncompleteBodyError('The request body is incomplete: the client stopped sending before its end.');
  if (req.signal?.aborted) throw incomplete();
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.byteLength;
      if (size > maxBytes) throw new PayloadTooLargeError(tooLarge);
      chunks.push(r.value);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e instanceof AppError ? e : incomplete();
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The body as text (readBodyBytes). */
export async function readBodyText(req: Request, maxBytes: number, tooLarge?: string): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(req, maxBytes, tooLarge));
}

/** A JSON body (application/json or a +json type), within the limit; `messages` name what the body is. */
export async function readJsonBody(
  req: Request,
  maxBytes = MAX_BODY_BYTES,
  messages: { what?: string; tooLarge?: string } = {},
): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new UnsupportedMediaTypeError(
      `Send the ${messages.what ?? 'statement'} as application/json, not "${type || 'no content type'}".`,
    );
  }
  const text = await readBodyText(req, maxBytes, messages.tooLarge ?? statementTooLarge(maxBytes));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MalformedRequestError(`The body is not valid JSON: ${(e as Error).message}`);
  }
}
