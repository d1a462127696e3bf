// The links every email carries for its reader: one-click unsubscribe, and the signed confirmation and preferences links.

import { type Subscriber, unsubscribeToken } from '../domain/subscriber.js';
import { type LinkPurpose, signedLinkToken } from '../domain/subscriber-links.js';
import type { PlatformConfig } from '../platform.js';

/** For the List-Unsubscribe header: RFC 8058 one-click POSTs carry nothing but this URL, so the token is in it. */
export function unsubscribeUrl(config: PlatformConfig, s: Subscriber): string {
  return `${config.siteUrl}/v1/unsubscribe?token=${encodeURIComponent(unsubscribeToken(s))}`;
}

/** For the link in the message: the token in the fragment reaches no server's logs; the page POSTs it in a form. */
export function unsubscribeLinkUrl(config: PlatformConfig, s: Subscriber): string {
  return `${config.siteUrl}/v1/unsubscribe#${encodeURIComponent(unsubscribeToken(s))}`;
}

const LINK_PATHS: Record<LinkPurpose, string> = { confirm: '/v1/subscriptions/confirm', preferences: '/v1/subscriptions/preferences' };

/** The path of a signed link that expires (subscriber-links.ts): confirming the subscription, or managing it. */
/** The sender gives a subscriber stored before link secrets one (withLinkSecret) before it mails it. */
export function signedLinkPath(s: Subscriber, purpose: LinkPurpose, now: Date): string {
  if (!s.linkSecret) throw new Error(`subscriber ${s.id} has no link secret yet; store it with withLinkSecret first`);
  return `${LINK_PATHS[purpose]}?token=${signedLinkToken({ id: s.id, linkSecret: s.linkSecret }, purpose, now)}`;
}

export function signedLinkUrl(config: PlatformConfig, s: Subscriber, purpose: LinkPurpose, now: Date): string {
  return `${config.siteUrl}${signedLinkPath(s, purpose, now)}`;
}
