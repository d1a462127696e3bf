// The CloudFront Function in front of the site bucket: folder URLs to their index.html, and a folder
// URL without its trailing slash to a redirect. Plain ES5 for the cloudfront-js-2.0 runtime.

/**
 * "/statements/x/" -> "/statements/x/index.html"; "/statements/x" -> 301 to "/statements/x/".
 * Leading slashes (and backslashes, which browsers read as slashes) collapse to one: "//evil.example/x"
 * would otherwise become a Location that browsers resolve against another host (an open redirect).
 */
export const INDEX_REWRITE = String.raw`function handler(event) {
  var request = event.request;
  var uri = '/' + request.uri.replace(/^[\/\\]+/, '');
  if (uri.endsWith('/')) { request.uri = uri + 'index.html'; return request; }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri + '/' } } };
  }
  request.uri = uri;
  return request;
}`;
