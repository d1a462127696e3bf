// The API's documentation: its OpenAPI 3.1 document at /v1/openapi.json and a reference page at /v1/docs.
import type { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { PlatformConfig } from '../../shared/platform.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/site/security-headers.js';
import { renderApiReference } from './api-reference.js';
import { REFERENCE_CSS } from './api-reference-css.js';
import type { AuthEnv } from './auth.js';
import { openApiDocument } from './openapi.js';

/** Public and the same for every reader until the next deploy: cached by browsers for minutes, revalidated by ETag. */
const CACHE = 'public, max-age=300';

/** Made on first use, then kept: a cold start that serves no documentation builds none. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** Registers GET /openapi.json, /docs and /docs/reference.css on the /v1 router. */
export function addDocsRoutes(v1: Hono<AuthEnv>, p: { config: Pick<PlatformConfig, 'siteUrl'> }): void {
  const document = once(() => openApiDocument(p.config));
  const json = once(() => JSON.stringify(document()));
  const page = once(() => renderApiReference(document()));

  v1.get('/openapi.json', etag(), (c) =>
    c.body(json(), 200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': CACHE,
      // A public description of a public API: tools on other origins (editors, generators) may read it.
      'access-control-allow-origin': '*',
    }),
  );

  v1.get('/docs', etag(), async (c) =>
    c.html(await page(), 200, {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': CACHE,
    }),
  );

  v1.get('/docs/reference.css', etag(), (c) =>
    c.body(REFERENCE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': CACHE }),
  );
}
