// The HTML parts of the platform's emails: the same escaping templates as the site, no styles or remote images.
import type { Child } from 'hono/jsx';
import sanitizeHtml from 'sanitize-html';
import { ALLOWED } from '../domain/html-policy.js';
import type { Correction, Statement, StatementSummary } from '../domain/statement.js';
import { renderDocument } from '../site/templates/layout.js';

/**
 * A statement's body in an email: its images become their alt text, so the message reads whole without
 * fetching anything (clients block remote images, and a fetch tells the sender who read it).
 */
export function emailBodyHtml(bodyHtml: string): string {
  return sanitizeHtml(bodyHtml, {
    ...ALLOWED,
    allowedTags: [...(ALLOWED.allowedTags || []), 'span'],
    transformTags: { img: (_tag, attribs) => ({ tagName: 'span', attribs: {}, text: attribs.alt ? `[${attribs.alt}]` : '' }) },
  });
}

export interface FooterLinks {
  /** Absent for a subscriber stored before link secrets, until it is refiled. */
  preferences?: string;
  /** Carries the token in its fragment (compose.ts unsubscribeLinkUrl), never in its query. */
  unsubscribe: string;
}

function Footer({ links }: { links: FooterLinks }) {
  return (
    <p lang="en" dir="ltr">
      {links.preferences ? (
        <>
          <a href={links.preferences}>Change what you receive</a> ·{' '}
        </>
      ) : null}
      <a href={links.unsubscribe}>Unsubscribe</a>
    </p>
  );
}

/** The line a corrected version's email opens with: "Corrected on 2026-11-29: …". */
export function correctionLine(c: Correction): string {
  return `Corrected on ${c.at.slice(0, 10)}: ${c.note}`;
}

export function renderStatementEmailHtml(
  s: Statement,
  names: string,
  url: string,
  links: FooterLinks,
  correction?: Correction,
): Promise<string> {
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
        {correction ? (
          <p lang="en" dir="ltr">
            <em>{correctionLine(correction)}</em>
          </p>
        ) : null}
        {s.summary ? (
          <p>
            <strong>{s.summary}</strong>
          </p>
        ) : null}
        <div dangerouslySetInnerHTML={{ __html: emailBodyHtml(s.bodyHtml) }} />
        <Footer links={links} />
      </body>
    </html>,
  );
}

export interface DigestEntry {
  statement: StatementSummary;
  names: string;
  url: string;
}

/** A message of the platform's own (a digest, a notice): English, headed by its subject. */
function renderEnglishEmail(heading: string, body: Child): Promise<string> {
  return renderDocument(
    <html lang="en" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <title>{heading}</title>
      </head>
      <body>
        <h1>{heading}</h1>
        {body}
      </body>
    </html>,
  );
}

export function renderDigestEmailHtml(heading: string, entries: DigestEntry[], links: FooterLinks): Promise<string> {
  return renderEnglishEmail(
    heading,
    <>
      {entries.map((e) => (
        <div lang={e.statement.language} dir={e.statement.dir}>
          <h2>
            <a href={e.url}>{e.statement.title}</a>
          </h2>
          <p lang="en" dir="ltr">
            {e.names} · {e.statement.publishedAt.slice(0, 10)}
          </p>
          {e.statement.summary ? <p>{e.statement.summary}</p> : null}
        </div>
      ))}
      <Footer links={links} />
    </>,
  );
}

export function renderNoticeEmailHtml(heading: string, paragraphs: string[], action: { label: string; url: string }): Promise<string> {
  return renderEnglishEmail(
    heading,
    <>
      {paragraphs.map((text) => (
        <p>{text}</p>
      ))}
      <p>
        <a href={action.url}>{action.label}</a>
      </p>
    </>,
  );
}
