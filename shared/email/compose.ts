// One subscription email as real MIME (nodemailer's MailComposer): text and HTML, one-click unsubscribe.
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Party } from '../domain/party.js';
import { type Statement, signatories, statementPath } from '../domain/statement.js';
import { type Subscriber, unsubscribeToken } from '../domain/subscriber.js';
import type { PlatformConfig } from '../platform.js';
import { renderStatementEmailHtml } from './template.js';

/** For the List-Unsubscribe header: RFC 8058 one-click POSTs carry nothing but this URL, so the token is in it. */
export function unsubscribeUrl(config: PlatformConfig, s: Subscriber): string {
  return `${config.siteUrl}/v1/unsubscribe?token=${encodeURIComponent(unsubscribeToken(s))}`;
}

/** For the link in the message: the token in the fragment reaches no server's logs; the page POSTs it in a form. */
export function unsubscribeLinkUrl(config: PlatformConfig, s: Subscriber): string {
  return `${config.siteUrl}/v1/unsubscribe#${encodeURIComponent(unsubscribeToken(s))}`;
}

export async function composeStatementEmail(
  config: PlatformConfig,
  statement: Statement,
  subscriber: Subscriber,
  parties: Map<string, Party>,
): Promise<Uint8Array> {
  const url = `${config.siteUrl}${statementPath(statement.id)}`;
  const unsubscribe = unsubscribeLinkUrl(config, subscriber);
  const names = signatories(statement)
    .map((id) => parties.get(id)?.name ?? id)
    .join(', ');
  const text = [
    statement.title,
    `${names} · ${statement.publishedAt.slice(0, 10)}`,
    '',
    statement.summary,
    '',
    statement.bodyText,
    '',
    `Read it online: ${url}`,
    `Unsubscribe: ${unsubscribe}`,
  ].join('\n');
  const html = await renderStatementEmailHtml(statement, names, url, unsubscribe);
  const mail = new MailComposer({
    from: config.mailFrom,
    to: subscriber.email,
    subject: statement.title,
    text,
    html,
    messageId: `<${statement.id}.v${statement.version}.${subscriber.id}@communique>`,
    date: new Date(statement.publishedAt),
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl(config, subscriber)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Content-Language': statement.language,
    },
  });
  return mail.compile().build();
}
