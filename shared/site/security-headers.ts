// The security headers every site response carries: set by the local server, and by CloudFront on AWS.

/** No inline script or style anywhere on the site: templates link /assets/ files only. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' https: data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
