// A browser stand-in for the web desk through app.request(): it keeps the session cookie, sends the Fetch
// Metadata headers a browser sends, and reads the CSRF token of the last page it loaded.
import type { Hono } from 'hono';
import { issuePressKey } from '../../shared/domain/press-key.js';
import type { Platform } from '../../shared/platform.js';

export const DESK_COOKIE = '__Host-communique-desk';

/** A 1×1 PNG: a real image, as a press office would attach. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export async function aPressKey(p: Pick<Platform, 'keys'>, party: string): Promise<{ key: string; keyId: string }> {
  const { key, record } = issuePressKey(party, new Date(), 'desk tests');
  await p.keys.put(record);
  return { key, keyId: record.keyId };
}

type Fields = Record<string, string | string[]>;

export class DeskAgent {
  cookie: string | undefined;
  csrf = '';
  lastPage = '';

  constructor(private readonly app: Hono) {}

  /** A browser's headers; a header given as null is left out (a browser too old to send it). */
  private headers(extra: Record<string, string | null> = {}): Record<string, string> {
    const all = { 'sec-fetch-site': 'same-origin', ...(this.cookie ? { cookie: `${DESK_COOKIE}=${this.cookie}` } : {}), ...extra };
    return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
  }

  private keep(res: Response): Response {
    const set = res.headers.get('set-cookie');
    const m = set ? new RegExp(`${DESK_COOKIE}=([^;]*)`).exec(set) : null;
    if (m) this.cookie = m[1] || undefined;
    return res;
  }

  private async read(res: Response): Promise<Response> {
    this.keep(res);
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      this.lastPage = await res.clone().text();
      const token = /name="csrf" value="([0-9a-f]+)"/.exec(this.lastPage)?.[1];
      if (token) this.csrf = token;
    }
    return res;
  }

  async get(path: string, headers: Record<string, string | null> = {}): Promise<Response> {
    return this.read(await this.app.request(path, { headers: this.headers(headers) }));
  }

  /** A form post with the session's token (unless `csrf` says otherwise), URL-encoded as a browser sends it. */
  async post(
    path: string,
    fields: Fields,
    opts: { csrf?: string | null; headers?: Record<string, string | null> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.append('csrf', token);
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    const headers = this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...opts.headers });
    return this.read(await this.app.request(path, { method: 'POST', headers, body: body.toString() }));
  }

  /** A multipart post (a file chosen without the page's script). */
  async postMultipart(path: string, fields: Fields, files: Record<string, File>): Promise<Response> {
    const body = new FormData();
    body.append('csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    for (const [name, file] of Object.entries(files)) body.append(name, file);
    return this.read(await this.app.request(path, { method: 'POST', headers: this.headers(), body }));
  }

  async signIn(key: string): Promise<Response> {
    await this.get('/desk/sign-in');
    return this.post('/desk/sign-in', { key }, { csrf: null });
  }
}
