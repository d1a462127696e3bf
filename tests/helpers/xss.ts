// Payloads that try to become live markup; none may survive as such on any page.
export const XSS_PAYLOADS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '<svg onload="window.__pwned = 1"></svg>',
  '"><script>window.__pwned = 1</script>',
  "'><img src=x onerror=window.__pwned=1>",
  '<a href="javascript:window.__pwned = 1">click</a>',
  '[click](javascript:window.__pwned=1)',
  '[click](JaVaScRiPt:window.__pwned=1)',
  '![x](javascript:window.__pwned=1)',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '<details open ontoggle="window.__pwned=1">',
  '<style>body{background:url("javascript:window.__pwned=1")}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>',
  '<a href="data:text/html,<script>window.__pwned=1</script>">d</a>',
  '<form action="javascript:window.__pwned=1"><button>go</button></form>',
  '<object data="javascript:window.__pwned=1"></object>',
  '<body onload="window.__pwned=1">',
  '<input autofocus onfocus="window.__pwned=1">',
];

/** Markup that would run script if a browser parsed it as HTML. */
export const LIVE_MARKUP = [
  /<script(?![^>]*src="\/assets\/search\.js")/i,
  /<[a-z][^>]*\son[a-z]+\s*=/i,
  /(href|src|action|data)\s*=\s*["']?\s*javascript:/i,
  /<iframe/i,
  /<object/i,
  /<style/i,
];
