// Readers' own subscriptions: subscribe (double opt-in), confirm, and manage preferences through signed links.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { sha256Hex } from '../../shared/domain/ids.js';
import {
  changeSubscriber,
  choicesOf,
  FREQUENCIES,
  type Subscriber,
  SubscriberInput,
  SubscriptionChoices,
  withChoices,
} from '../../shared/domain/subscriber.js';
import { checkSignedLink, type LinkPurpose, parseSignedLinkToken } from '../../shared/domain/subscriber-links.js';
import { signedLinkPath } from '../../shared/email/links.js';
import { fieldIssues, NotFoundError, UnsupportedMediaTypeError, ValidationError } from '../../shared/errors.js';
import type { Platform } from '../../shared/platform.js';
import type { AuthEnv } from './auth.js';
import { readBodyText } from './body.js';
import { PAGE_HEADERS, page } from './pages.js';
import { clientIp, type RateLimit, rateLimit } from './rate-limit.js';

type SubscriptionPlatform = Pick<Platform, 'subscribers' | 'clock' | 'emailJobs' | 'config' | 'parties' | 'rateLimiter'>;

export interface SubscribeLimits {
  /** Subscribe requests per client address. */
  perClient: RateLimit;
  /** Subscribe requests per email address: each may send a confirmation, so this bounds mail to one inbox. */
  perAddress: RateLimit;
}

export const DEFAULT_SUBSCRIBE_LIMITS: SubscribeLimits = {
  perClient: { limit: 20, windowSeconds: 3600 },
  perAddress: { limit: 3, windowSeconds: 3600 },
};

const MAX_FORM_BYTES = 16 * 1024;

/** The body as fields: JSON, or a form post whose list fields repeat or hold values separated by spaces or commas. */
async function readFields(req: Request): Promise<{ fields: Record<string, unknown>; form: boolean }> {
  const type = req.headers.get('content-type') ?? '';
  const text = await readBodyText(req, MAX_FORM_BYTES);
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    const form = new URLSearchParams(text);
    const list = (name: string) => form.getAll(name).flatMap((v) => v.split(/[\s,]+/).filter(Boolean));
    const fields: Record<string, unknown> = {
      parties: list('parties'),
      countries: list('countries'),
      languages: list('languages'),
      topics: list('topics'),
    };
    for (const name of ['email', 'frequency', 'token', 'action']) {
      const value = form.get(name);
      if (value !== null && value !== '') fields[name] = value;
    }
    return { fields, form: true };
  }
  if (/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { fields: parsed as Record<string, unknown>, form: false };
    } catch {
      // Falls through to the validation error below.
    }
    throw new ValidationError('The body must be a JSON object.', [{ path: '', message: 'not a JSON object' }]);
  }
  throw new UnsupportedMediaTypeError(
    `Send application/json or a form (application/x-www-form-urlencoded), not "${type || 'no content type'}".`,
  );
}

function parseOr422<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Parameters<typeof fieldIssues>[0] } } },
  value: unknown,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`The ${what} is not valid.`, fieldIssues(r.error.issues));
  return r.data;
}

/** Tells the reader what comes next, identically whatever the address's state (no enumeration). */
const ACCEPTED =
  'If this address can receive mail, a message is on its way to it: follow its link to confirm (or to manage an existing subscription). Nothing else is sent before.';

/**
 * The subscriber a signed link names, if the link is valid for this purpose. An unknown id costs the same
 * work as a known one. Expired and invalid links both end in a page that says how to get a new one.
 */
async function subscriberOfLink(p: SubscriptionPlatform, token: string, purpose: LinkPurpose): Promise<Subscriber> {
  const parsed = parseSignedLinkToken(token);
  const subscriber = parsed ? await p.subscribers.get(parsed.id) : undefined;
  const check = checkSignedLink(subscriber, purpose, token, p.clock.now());
  if (check === 'expired')
    throw new NotFoundError('This link has expired. Subscribe again from the site to get a new one; nothing changes until you follow it.');
  if (check !== 'valid' || !subscriber)
    throw new NotFoundError('This link is not valid. Use the link of your most recent email, or subscribe again from the site.');
  return subscriber;
}

function PreferencesForm({ s, token, parties }: { s: Subscriber; token: string; parties: Array<{ id: string; name: string }> }) {
  const labels: Record<(typeof FREQUENCIES)[number], string> = {
    immediate: 'Each statement as it is published',
    daily: 'A daily digest',
    weekly: 'A weekly digest',
  };
  return (
    <form method="post" action="/v1/subscriptions/preferences">
      <input type="hidden" name="token" value={token} />
      <p>Subscribed address: {s.email}</p>
      <fieldset>
        <legend>Parties (none chosen: every party)</legend>
        {parties.map((party) => (
          <label>
            <input type="checkbox" name="parties" value={party.id} checked={s.parties.includes(party.id)} /> {party.name}
          </label>
        ))}
      </fieldset>
      <p>
        <label>
          Countries (ISO codes separated by spaces, e.g. GR TR; empty: all){' '}
          <input type="text" name="countries" value={s.countries.join(' ')} />
        </label>
      </p>
      <p>
        <label>
          Languages (e.g. el tr fa; empty: all) <input type="text" name="languages" value={s.languages.join(' ')} />
        </label>
      </p>
      <p>
        <label>
          Topics (separated by spaces; empty: all) <input type="text" name="topics" value={s.topics.join(' ')} />
        </label>
      </p>
      <fieldset>
        <legend>How often</legend>
        {FREQUENCIES.map((f) => (
          <label>
            <input type="radio" name="frequency" value={f} checked={s.frequency === f} /> {labels[f]}
          </label>
        ))}
      </fieldset>
      <p>
        <button type="submit" name="action" value="save">
          Save
        </button>{' '}
        <button type="submit" name="action" value="unsubscribe">
          Unsubscribe from everything
        </button>
      </p>
    </form>
  );
}

export function addSubscriptionRoutes(
  v1: Hono<AuthEnv>,
  p: SubscriptionPlatform,
  perClient: MiddlewareHandler<AuthEnv>,
  limits: SubscribeLimits,
): void {
  const subscribePerClient = rateLimit<AuthEnv>(p.rateLimiter, limits.perClient, 'client address', (c) => `subscribe-ip:${clientIp(c)}`);

  v1.post('/subscriptions', subscribePerClient, async (c) => {
    const { fields, form } = await readFields(c.req.raw);
    const input = parseOr422(SubscriberInput, fields, 'subscription');
    // Counted per address only once it parses: a request without one costs the client's budget alone.
    await rateLimit<AuthEnv>(
      p.rateLimiter,
      limits.perAddress,
      'email address',
      () => `subscribe-address:${sha256Hex(input.email)}`,
    )(c as Context<AuthEnv>, async () => undefined);
    // Stored and answered by email in the email-jobs consumer (email/subscribe.ts): the answer here is the
    // same, and takes the same time, whether the address is new, known, or stopped.
    await p.emailJobs.enqueue([{ kind: 'subscribe', request: input, requestedAt: p.clock.now().toISOString() }]);
    if (!form) return c.json({ status: 'accepted', detail: ACCEPTED }, 202);
    return c.html(await page('Check your inbox', <p>{ACCEPTED}</p>), 200, PAGE_HEADERS);
  });

  const linkPage =
    (purpose: LinkPurpose, title: string, render: (s: Subscriber, token: string) => Promise<unknown>) => async (c: Context<AuthEnv>) => {
      const token = c.req.query('token') ?? '';
      try {
        const s = await subscriberOfLink(p, token, purpose);
        return c.html(await page(title, (await render(s, token)) as never), 200, PAGE_HEADERS);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        const html = await page(
          title,
          <>
            <p>{e.message}</p>
            <p>
              <a href="/subscribe/">Subscribe again</a>
            </p>
          </>,
        );
        return c.html(html, 404, PAGE_HEADERS);
      }
    };

  v1.get(
    '/subscriptions/confirm',
    perClient,
    linkPage('confirm', 'Confirm your subscription', async (s, token) => (
      <form method="post" action="/v1/subscriptions/confirm">
        <input type="hidden" name="token" value={token} />
        <p>Receive statements by email at {s.email}?</p>
        <button type="submit">Confirm</button>
      </form>
    )),
  );

  // A POST, not the GET of the link: mail scanners open links, and must not confirm for the reader.
  v1.post('/subscriptions/confirm', perClient, async (c) => {
    const { fields, form } = await readFields(c.req.raw);
    const s = await subscriberOfLink(p, String(fields.token ?? ''), 'confirm');
    const now = p.clock.now();
    // Confirming twice changes nothing; nor does confirming after unsubscribing meanwhile.
    const confirmed =
      (await changeSubscriber(p.subscribers, s.id, (current) =>
        current.confirmedAt || current.unsubscribedAt ? undefined : { ...current, confirmedAt: now.toISOString() },
      )) ?? s;
    // A path, not a URL: this page is on the site's own origin, whose address the API may not know.
    const manage = signedLinkPath(confirmed, 'preferences', now);
    if (!form) return c.json({ status: confirmed.unsubscribedAt ? 'unsubscribed' : 'confirmed' });
    const html = await page(
      confirmed.unsubscribedAt ? 'Unsubscribed' : 'Subscribed',
      confirmed.unsubscribedAt ? (
        <p>This address unsubscribed after asking; subscribe again from the site to receive statements.</p>
      ) : (
        <p>
          Statements will be sent to {confirmed.email}. <a href={manage}>Change what you receive</a>
        </p>
      ),
    );
    return c.html(html, 200, PAGE_HEADERS);
  });

  v1.get(
    '/subscriptions/preferences',
    perClient,
    linkPage('preferences', 'Your subscription', async (s, token) => {
      const parties = (await p.parties.list()).map((x) => ({ id: x.id, name: x.name }));
      return s.unsubscribedAt ? (
        <p>This address is unsubscribed. Subscribe again from the site to receive statements.</p>
      ) : (
        <PreferencesForm s={s} token={token} parties={parties} />
      );
    }),
  );

  v1.post('/subscriptions/preferences', perClient, async (c) => {
    const { fields, form } = await readFields(c.req.raw);
    const s = await subscriberOfLink(p, String(fields.token ?? ''), 'preferences');
    const now = p.clock.now();
    const unsubscribe = fields.action === 'unsubscribe';
    const choices = unsubscribe ? undefined : parseOr422(SubscriptionChoices, fields, 'preferences');
    if (choices && s.unsubscribedAt) {
      throw new NotFoundError('This address is unsubscribed. Subscribe again from the site to receive statements.');
    }
    const saved =
      (await changeSubscriber(p.subscribers, s.id, (current) => {
        if (current.unsubscribedAt) return undefined;
        return choices ? withChoices(current, choices, now) : { ...current, unsubscribedAt: now.toISOString() };
      })) ?? s;
    if (!form)
      return c.json({
        status: saved.unsubscribedAt ? 'unsubscribed' : 'saved',
        ...(saved.unsubscribedAt ? {} : { choices: choicesOf(saved) }),
      });
    const html = await page(
      saved.unsubscribedAt ? 'Unsubscribed' : 'Saved',
      saved.unsubscribedAt ? <p>You are unsubscribed; no more email will be sent to this address.</p> : <p>Your choices are saved.</p>,
    );
    return c.html(html, 200, PAGE_HEADERS);
  });
}
