// The few HTML pages the API serves itself (unsubscribing, confirming, preferences): no-store, strict CSP.
import type { Child } from 'hono/jsx';
import { CONTENT_SECURITY_POLICY } from '../../shared/site/security-headers.js';
import { Layout, renderDocument } from '../../shared/site/templates/layout.js';

export const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // A token in this page's address must not travel on in a Referer.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function page(title: string, children: Child, scripts: string[] = []): Promise<string> {
  return renderDocument(
    <Layout title={title} lang="en" dir="ltr" scripts={scripts}>
      <h1>{title}</h1>
      {children}
    </Layout>,
  );
}
