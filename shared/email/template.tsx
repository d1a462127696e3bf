// The HTML part of a subscription email: the same escaping templates as the site, inline-free styling.
import type { Statement } from '../domain/statement.js';
import { renderDocument } from '../site/templates/layout.js';

/** `unsubscribeLink` carries the token in its fragment (compose.ts unsubscribeLinkUrl), never in its query. */
export function renderStatementEmailHtml(s: Statement, names: string, url: string, unsubscribeLink: string): Promise<string> {
  return renderDocument(
    <html lang={s.language} dir={s.dir}>
      <head>
        <meta charset="utf-8" />
        <title>{s.title}</title>
      </head>
      <body>
        <h1>
          <a href={url}>{s.title}</a>
        </h1>
        <p lang="en" dir="ltr">
          {names} · {s.publishedAt.slice(0, 10)}
        </p>
        {s.summary ? (
          <p>
            <strong>{s.summary}</strong>
          </p>
        ) : null}
        <div dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
        <p lang="en" dir="ltr">
          <a href={unsubscribeLink}>Unsubscribe</a>
        </p>
      </body>
    </html>,
  );
}
