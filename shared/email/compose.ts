// The platform's emails as real MIME: text and HTML, one-click unsubscribe (RFC 8058), the content's language.
import MailComposer from 'nodemailer/lib/mail-composer';
import MimeNode from 'nodemailer/lib/mime-node';
import { escapeHtml } from '../domain/html-policy.js';
import type { Party } from '../domain/party.js';
import { type Correction, type Statement, type StatementSummary, signatories, statementPath } from '../domain/statement.js';
import type { Subscriber } from '../domain/subscriber.js';
import type { PlatformConfig } from '../platform.js';
import { signedLinkUrl, unsubscribeLinkUrl, unsubscribeUrl } from './links.js';
import {
  correctionLine,
  type DigestEntry,
  type FooterLinks,
  renderDigestEmailHtml,
  renderNoticeEmailHtml,
  renderStatementEmailHtml,
} from './template.js';

function footerLinks(config: PlatformConfig, s: Subscriber, now: Date): FooterLinks {
  // A subscriber stored before link secrets (until `subscribers refile`) gets the unsubscribe link alone.
  return {
    ...(s.linkSecret ? { preferences: signedLinkUrl(config, s, 'preferences', now) } : {}),
    unsubscribe: unsubscribeLinkUrl(config, s),
  };
}

function footerText(links: FooterLinks): string {
  return [
    '',
    '--',
    ...(links.preferences ? [`Change what you receive: ${links.preferences}`] : []),
    `Unsubscribe: ${links.unsubscribe}`,
  ].join('\n');
}

function listHeaders(config: PlatformConfig, s: Subscriber) {
  return { 'List-Unsubscribe': `<${unsubscribeUrl(config, s)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export function signatoryNames(s: Pick<Statement, 'party' | 'cosigners'>, parties: Map<string, Party>): string {
  return signatories(s)
    .map((id) => parties.get(id)?.name ?? id)
    .join(', ');
}

/** Placeholders the shared HTML is rendered with and split on; none can occur in escaped statement text. */
const PREFERENCES_MARK = 'https://preferences.communique.invalid/';
const UNSUBSCRIBE_MARK = 'https://unsubscribe.communique.invalid/';

/** Base64 in lines of 76 (RFC 2045), CRLF-separated. */
function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join('\r\n');
}

/**
 * One statement to many readers. The message is the same for all of them but for the recipient, the
 * Message-ID, the unsubscribe header and the links of the footer: the headers that do not change, the
 * multipart structure and the HTML are built once (nodemailer's MimeNode encodes the headers), and each
 * recipient's copy only encodes its two parts (MailComposer in full costs 0.5 ms a message, which is most of
 * the time a mailing to 100,000 readers takes).
 */
export interface StatementMessage {
  compose(subscriber: Subscriber, now: Date): Uint8Array;
}

export async function statementMessage(
  config: PlatformConfig,
  statement: Statement,
  parties: Map<string, Party>,
  /** Mailing a corrected version again: the correction it carries. */
  correction?: Correction,
): Promise<StatementMessage> {
  const url = `${config.siteUrl}${statementPath(statement.id)}`;
  const names = signatoryNames(statement, parties);
  const text = [
    statement.title,
    `${names} · ${statement.publishedAt.slice(0, 10)}`,
    ...(correction ? [correctionLine(correction)] : []),
    '',
    statement.summary,
    '',
    statement.bodyText,
    '',
    `Read it online: ${url}`,
  ].join('\n');
  const html = await renderStatementEmailHtml(
    statement,
    names,
    url,
    { preferences: PREFERENCES_MARK, unsubscribe: UNSUBSCRIBE_MARK },
    correction,
  );
  const htmlWithoutPreferences = await renderStatementEmailHtml(statement, names, url, { unsubscribe: UNSUBSCRIBE_MARK }, correction);
  const root = new MimeNode('multipart/alternative', { baseBoundary: `communique-${statement.id}` });
  root.setHeader({
    from: config.mailFrom,
    subject: correction ? `Corrected: ${statement.title}` : statement.title,
    date: new Date(statement.publishedAt).toUTCString(),
    'content-language': statement.language,
    'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
  });
  const part = (type: string) =>
    `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n${type === 'text/plain' ? '' : `Content-Language: ${statement.language}\r\n`}\r\n`;
  return {
    compose(s, now) {
      const links = footerLinks(config, s, now);
      root.setHeader('to', s.email);
      root.setHeader('message-id', `<${statement.id}.v${statement.version}.${s.id}@communique>`);
      root.setHeader('list-unsubscribe', `<${unsubscribeUrl(config, s)}>`);
      const headers = root.buildHeaders();
      const boundary = `--${root.boundary}`;
      const personal = (links.preferences ? html : htmlWithoutPreferences)
        .split(PREFERENCES_MARK)
        .join(escapeHtml(links.preferences ?? ''))
        .split(UNSUBSCRIBE_MARK)
        .join(escapeHtml(links.unsubscribe));
      const message = [
        headers,
        '',
        boundary,
        part('text/plain') + base64Lines(text + footerText(links)),
        boundary,
        part('text/html') + base64Lines(personal),
        `${boundary}--`,
        '',
      ].join('\r\n');
      return Buffer.from(message, 'utf8');
    },
  };
}

/** A digest: the period's statements that match the reader's choices, titles and summaries linking to the site. */
export async function composeDigestEmail(
  config: PlatformConfig,
  s: Subscriber,
  statements: StatementSummary[],
  parties: Map<string, Party>,
  period: { label: string; key: string },
  now: Date,
): Promise<Uint8Array> {
  const links = footerLinks(config, s, now);
  const heading = `Statements of ${period.label}`;
  const entries: DigestEntry[] = statements.map((st) => ({
    statement: st,
    names: signatoryNames(st, parties),
    url: `${config.siteUrl}${statementPath(st.id)}`,
  }));
  const text = [
    heading,
    '',
    ...entries.flatMap((e) => [e.statement.title, `${e.names} · ${e.statement.publishedAt.slice(0, 10)}`, e.statement.summary, e.url, '']),
  ].join('\n');
  const mail = new MailComposer({
    from: config.mailFrom,
    to: s.email,
    subject: heading,
    text: text + footerText(links),
    html: await renderDigestEmailHtml(heading, entries, links),
    messageId: `<${period.key.replace(/[^a-z0-9.-]/gi, '.')}.${s.id}@communique>`,
    date: now,
    headers: listHeaders(config, s),
  });
  return mail.compile().build();
}

/** A message about the subscription itself (confirm it; manage it), with one link. */
export async function composeNoticeEmail(
  config: PlatformConfig,
  s: Subscriber,
  notice: { subject: string; paragraphs: string[]; action: { label: string; url: string } },
  now: Date,
): Promise<Uint8Array> {
  const mail = new MailComposer({
    from: config.mailFrom,
    to: s.email,
    subject: notice.subject,
    text: [...notice.paragraphs, '', `${notice.action.label}: ${notice.action.url}`].join('\n\n'),
    html: await renderNoticeEmailHtml(notice.subject, notice.paragraphs, notice.action),
    date: now,
  });
  return mail.compile().build();
}
