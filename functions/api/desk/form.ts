// The desk's form posts: URL-encoded or multipart (a file attached without JavaScript), read within a limit.
import type { MiddlewareHandler } from 'hono';
import { MalformedRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../shared/errors.js';
import { readBodyBytes, readBodyText } from '../body.js';

/** A statement's text is at most 500,000 characters of Markdown (up to 4 bytes each), with its other fields. */
export const MAX_FORM_BYTES = 2_100_000;

/** The fields of a posted form: strings by name (repeated names keep every value) and files. */
export class DeskForm {
  constructor(
    private readonly fields: Array<[string, string]>,
    private readonly files: Map<string, File[]> = new Map(),
  ) {}
  /** The field's first value, '' when absent. */
  text(name: string): string {
    return this.fields.find(([k]) => k === name)?.[1] ?? '';
  }
  all(name: string): string[] {
    return this.fields.filter(([k]) => k === name).map(([, v]) => v);
  }
  /** The files of a file field, leaving out the empty part a browser sends when none was chosen. */
  fileList(name: string): File[] {
    return (this.files.get(name) ?? []).filter((f) => f.size > 0 || f.name !== '');
  }
}

const tooLarge = (maxBytes: number) => `A desk form may be at most ${maxBytes} bytes.`;

export async function readDeskForm(req: Request, maxBytes: number): Promise<DeskForm> {
  const type = req.headers.get('content-type') ?? '';
  if (Number(req.headers.get('content-length') ?? 0) > maxBytes) {
    throw new PayloadTooLargeError(tooLarge(maxBytes));
  }
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return new DeskForm([...new URLSearchParams(await readBodyText(req, maxBytes)).entries()]);
  }
  if (/^multipart\/form-data\b/i.test(type)) {
    // Read within the limit first: formData() alone would read a body of any size.
    const parsed = await new Response(await readBodyBytes(req, maxBytes, tooLarge(maxBytes)), { headers: { 'content-type': type } })
      .formData()
      .catch(() => {
        throw new MalformedRequestError('The form is not valid multipart/form-data.');
      });
    const fields: Array<[string, string]> = [];
    const files = new Map<string, File[]>();
    for (const [name, value] of parsed.entries()) {
      if (typeof value === 'string') fields.push([name, value]);
      else files.set(name, [...(files.get(name) ?? []), value]);
    }
    return new DeskForm(fields, files);
  }
  throw new UnsupportedMediaTypeError(`Desk forms are posted as a form, not "${type || 'no content type'}".`);
}

/** Reads the form once, before the CSRF check and the handler, which find it in c.var.form. */
export function formBody<E extends { Variables: { form: DeskForm } }>(maxBytes = MAX_FORM_BYTES): MiddlewareHandler<E> {
  return async (c, next) => {
    c.set('form', await readDeskForm(c.req.raw, maxBytes));
    await next();
  };
}
