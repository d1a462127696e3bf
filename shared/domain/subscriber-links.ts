// Signed, expiring links for one subscriber: confirming the subscription and managing its preferences.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from './ids.js';
import type { Subscriber } from './subscriber.js';

export type LinkPurpose = 'confirm' | 'preferences';

const HOUR_MS = 60 * 60 * 1000;

/** How long each link works: a confirmation within two days; preferences from any email of the last two months. */
export const LINK_LIFETIME_MS: Record<LinkPurpose, number> = { confirm: 48 * HOUR_MS, preferences: 60 * 24 * HOUR_MS };

/** `<id>.<expiry, base36 seconds>.<signature>`: URL-safe as it is. */
export const SIGNED_LINK_TOKEN = /^([0-9a-z]{20,32})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{27})$/;

/**
 * Signed with the subscriber's own link secret (HMAC-SHA256), which no email carries, so there is no
 * platform key to keep or rotate; the purpose is signed too: a preferences link cannot confirm, nor a
 * confirmation link manage.
 */
function signature(secret: string, purpose: LinkPurpose, id: string, expiry: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${id}:${expiry}`).digest().subarray(0, 20);
}

export function signedLinkToken(s: { id: string; linkSecret: string }, purpose: LinkPurpose, now: Date): string {
  const expiry = Math.floor((now.getTime() + LINK_LIFETIME_MS[purpose]) / 1000).toString(36);
  return `${s.id}.${expiry}.${signature(s.linkSecret, purpose, s.id, expiry).toString('base64url')}`;
}

export function parseSignedLinkToken(token: string): { id: string; expiry: string; signature: string } | undefined {
  const m = SIGNED_LINK_TOKEN.exec(token);
  return m ? { id: m[1] as string, expiry: m[2] as string, signature: m[3] as string } : undefined;
}

const DUMMY_SECRET = randomToken(20);

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/**
 * Whether the token was signed for this subscriber and purpose, and is still in time. An unknown
 * subscriber costs the same work as a known one (a stand-in secret) and ends 'invalid'.
 */
export function checkSignedLink(s: Subscriber | undefined, purpose: LinkPurpose, token: string, now: Date): LinkCheck {
  const parsed = parseSignedLinkToken(token);
  if (!parsed) return 'invalid';
  const expected = signature(s?.linkSecret ?? DUMMY_SECRET, purpose, parsed.id, parsed.expiry);
  const given = Buffer.from(parsed.signature, 'base64url');
  const matches = given.length === expected.length && timingSafeEqual(given, expected);
  if (!matches || !s?.linkSecret || s.id !== parsed.id) return 'invalid';
  return Number.parseInt(parsed.expiry, 36) * 1000 < now.getTime() ? 'expired' : 'valid';
}
