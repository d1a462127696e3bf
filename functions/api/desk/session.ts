// Desk sessions: the office's key is exchanged once for a random session id in an HttpOnly cookie; the
// platform keeps only the id's hash, with the party and key it acts for.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { randomToken, sha256Hex } from '../../../shared/domain/ids.js';
import { keyName, lastUseIsCurrent, type PressKeyRecord, parsePressKey, secretMatches } from '../../../shared/domain/press-key.js';
import { AuthenticationError } from '../../../shared/errors.js';
import type { Platform } from '../../../shared/platform.js';
import type { DeskSession } from '../../../shared/ports.js';
import type { ActorVariables } from '../auth.js';
import type { DeskForm } from './form.js';

/** The cookie is `__Host-communique-desk`: Secure, Path=/, no Domain, so no sibling host can set or read it. */
export const SESSION_COOKIE = 'communique-desk';

export interface SessionLimits {
  /** The absolute lifetime of a session, whatever its activity. */
  lifetimeMs: number;
  /** A session with no request for this long has ended. */
  idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { lifetimeMs: 8 * 60 * 60_000, idleMs: 30 * 60_000 };

/** Activity is recorded at most this often: one write a minute per session, not one per request. */
const TOUCH_EVERY_MS = 60_000;

export type SessionPlatform = Pick<Platform, 'keys' | 'sessions' | 'clock'>;

/** The signed-in office, as the API's routes know theirs (ActorVariables, for the audit log), and its session. */
export interface SignedIn extends ActorVariables {
  /** The hash of the session id: what the store knows the session by. */
  sessionHash: string;
  /** The token every form of this session carries (csrf.ts). */
  csrf: string;
}

/** What desk handlers find in c.var: the signed-in office, and the posted form (form.ts). */
export type DeskEnv = { Variables: SignedIn & { form: DeskForm } };

/** The press key as requirePressKey checks it: known, its secret right, not revoked. */
export async function checkPressKey(p: Pick<Platform, 'keys' | 'clock'>, key: string): Promise<PressKeyRecord> {
  const parsed = parsePressKey(key.trim());
  if (!parsed) throw new AuthenticationError('This is not a press key: it starts with "cq_" (copy it whole).');
  const record = await p.keys.get(parsed.keyId);
  if (!record || !secretMatches(record, parsed.secret)) throw new AuthenticationError('Unknown press key.');
  if (record.revokedAt) throw new AuthenticationError('This press key was revoked; ask your platform operator for a new one.');
  await noteUse(p, record);
  return record;
}

/** A key used at the desk is in use, as through the API (the office sees when each key was last used). */
async function noteUse(p: Pick<Platform, 'keys' | 'clock'>, record: PressKeyRecord): Promise<void> {
  const now = p.clock.now();
  if (!lastUseIsCurrent(record, now)) await p.keys.recordUse(record.keyId, now.toISOString());
}

/** The CSRF token of a session: derived from its id, so neither the store nor a leaked hash reveals it. */
export function csrfTokenOf(sessionId: string): string {
  return sha256Hex(`communique-desk-csrf:${sessionId}`);
}

/**
 * Starts a session for the key's party and sets its cookie; the key itself goes no further. A session the
 * browser held before ends: one sign-in, one live session per browser.
 */
export async function startSession(c: Context, p: SessionPlatform, key: PressKeyRecord, limits: SessionLimits): Promise<SignedIn> {
  const id = randomToken(32);
  const now = p.clock.now();
  const previous = getCookie(c, SESSION_COOKIE, 'host');
  if (previous) await p.sessions.revoke(sha256Hex(previous), now.toISOString());
  const session: DeskSession = {
    idHash: sha256Hex(id),
    party: key.party,
    keyId: key.keyId,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + limits.lifetimeMs).toISOString(),
  };
  await p.sessions.create(session);
  setCookie(c, SESSION_COOKIE, id, {
    prefix: 'host',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: Math.floor(limits.lifetimeMs / 1000),
  });
  return { ...actor(key), sessionHash: session.idHash, csrf: csrfTokenOf(id) };
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { prefix: 'host', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
}

const actor = (key: PressKeyRecord): ActorVariables => ({ party: key.party, keyId: key.keyId, keyName: keyName(key), via: 'desk' });

/** Why a stored session no longer counts, or undefined while it does. */
function endOf(s: DeskSession, now: Date, limits: SessionLimits): string | undefined {
  if (s.revokedAt) return 'revoked';
  if (Date.parse(s.expiresAt) <= now.getTime()) return 'expired';
  if (Date.parse(s.lastSeenAt) + limits.idleMs <= now.getTime()) return 'idle';
  return undefined;
}

/** The signed-in office of this request, or undefined. Ends a session whose key was revoked meanwhile. */
export async function currentSession(c: Context, p: SessionPlatform, limits: SessionLimits): Promise<SignedIn | undefined> {
  const id = getCookie(c, SESSION_COOKIE, 'host');
  if (!id || !/^[0-9a-z]{20,80}$/.test(id)) return undefined;
  const sessionHash = sha256Hex(id);
  const session = await p.sessions.get(sessionHash);
  const now = p.clock.now();
  if (!session || endOf(session, now, limits)) return undefined;
  const key = await p.keys.get(session.keyId);
  if (!key || key.revokedAt || key.party !== session.party) {
    await p.sessions.revoke(sessionHash, now.toISOString());
    return undefined;
  }
  if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) await p.sessions.touch(sessionHash, now.toISOString());
  await noteUse(p, key);
  return { ...actor(key), sessionHash, csrf: csrfTokenOf(id) };
}

/**
 * Pages of a signed-in office: without a live session a page read goes to the sign-in page; a form post
 * is refused (its data cannot be carried through a sign-in safely) with a page that says to sign in again.
 */
export function requireSession(p: SessionPlatform, limits: SessionLimits): MiddlewareHandler<DeskEnv> {
  return async (c, next) => {
    const signedIn = await currentSession(c, p, limits);
    if (!signedIn) {
      if (getCookie(c, SESSION_COOKIE, 'host')) clearSessionCookie(c);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/desk/sign-in', 303);
      throw new AuthenticationError('Your desk session has ended (signed out, expired or idle for too long). Sign in again.');
    }
    actAs(c, signedIn);
    await next();
  };
}

/** The request acts for the signed-in office from here on (handlers and recordAction read c.var). */
export function actAs(c: Context<DeskEnv>, signedIn: SignedIn): void {
  c.set('party', signedIn.party);
  c.set('keyId', signedIn.keyId);
  c.set('keyName', signedIn.keyName);
  c.set('via', 'desk');
  c.set('sessionHash', signedIn.sessionHash);
  c.set('csrf', signedIn.csrf);
}
