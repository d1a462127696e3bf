// Unsubscribing: RFC 8058 one-click POSTs from mail providers, and a confirmation page for readers.
import type { Hono, MiddlewareHandler } from 'hono';
import { changeSubscriber, parseUnsubscribeToken, UNSUBSCRIBE_TOKEN, unsubscribeSecretMatches } from '../../shared/domain/subscriber.js';
import { NotFoundError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import type { AuthEnv } from './auth.js';
import { readBodyText } from './body.js';
import { PAGE_HEADERS, page } from './pages.js';

/**
 * Where tokens travel. The link in an email's body carries the token in the fragment
 * (/v1/unsubscribe#<token>), which browsers never send to a server, so it reaches no CDN or access log:
 * FRAGMENT_SCRIPT copies it into the page's form, which POSTs it in the body. The List-Unsubscribe
 * header must carry it in the URL (RFC 8058: providers POST only "List-Unsubscribe=One-Click" to that
 * URL), so those POSTs, browsers opening that header link, and emails sent before fragments still
 * send it in the query string, and it is accepted there.
 */
const FRAGMENT_SCRIPT = `// Moves the unsubscribe token from this page's fragment into its form, and out of the address bar.
let token = '';
try { token = decodeURIComponent(location.hash.slice(1)); } catch {}
const field = document.querySelector('input[name="token"]');
if (field && /${UNSUBSCRIBE_TOKEN.source}/.test(token)) {
  field.value = token;
  history.replaceState(null, '', location.pathname + location.search);
}
`;

/** Form fields are a few hundred bytes; nothing larger is read. */
const MAX_FORM_BYTES = 4096;

/** The token of a POST: the query (one-click, header links), else the form field of the confirmation page. */
async function postedToken(req: Request, query: string | undefined): Promise<string> {
  if (query !== undefined) return query;
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers.get('content-type') ?? '')) return '';
  return new URLSearchParams(await readBodyText(req, MAX_FORM_BYTES)).get('token') ?? '';
}

export function addUnsubscribeRoutes(
  v1: Hono<AuthEnv>,
  p: Pick<Platform, 'subscribers' | 'clock'>,
  perClient: MiddlewareHandler<AuthEnv>,
): void {
  v1.get('/unsubscribe/fragment.js', (c) =>
    c.body(FRAGMENT_SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=300',
    }),
  );

  v1.get('/unsubscribe', perClient, async (c) => {
    // A token in the query (a List-Unsubscribe link opened in a browser) is put in the form as it is.
    const query = c.req.query('token') ?? '';
    const token = parseUnsubscribeToken(query) ? query : '';
    const html = await page(
      'Unsubscribe',
      <form method="post" action="/v1/unsubscribe">
        <input type="hidden" name="token" value={token} />
        <p>Stop all email from Communiqué to this address?</p>
        <button type="submit">Unsubscribe</button>
        {token ? null : (
          <noscript>
            <p>This page reads the link from your email with JavaScript. Without it, use your mail program's Unsubscribe button.</p>
          </noscript>
        )}
      </form>,
      ['/v1/unsubscribe/fragment.js'],
    );
    return c.html(html, 200, PAGE_HEADERS);
  });

  v1.post('/unsubscribe', perClient, async (c) => {
    const token = parseUnsubscribeToken(await postedToken(c.req.raw, c.req.query('token')));
    const subscriber = token ? await p.subscribers.get(token.id) : undefined;
    // An unknown id is compared against a stand-in secret: both ways cost the same and end in the same 404.
    const matches = unsubscribeSecretMatches(subscriber, token?.secret ?? '');
    if (!matches || !subscriber) {
      throw new NotFoundError('This unsubscribe link is not valid. Use the link of your most recent email.');
    }
    await changeSubscriber(p.subscribers, subscriber.id, (current) =>
      current.unsubscribedAt ? undefined : { ...current, unsubscribedAt: p.clock.now().toISOString() },
    );
    const html = await page('Unsubscribed', <p>You are unsubscribed; no more email will be sent to this address.</p>);
    return c.html(html, 200, PAGE_HEADERS);
  });
}
