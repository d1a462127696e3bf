// What a statement page tells machines: its canonical URL, Open Graph tags for link previews, and a
// schema.org NewsArticle as JSON-LD (a data block: never executed, so the strict CSP allows it).
import type { Party } from '../../domain/party.js';
import { lastModifiedOf, type Statement, signatories, statementPath } from '../../domain/statement.js';

/** JSON inside <script>: "<" escaped, so no text can close the element; the line separators too. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** What a link preview says of the statement: its summary, or once retracted, that it was and why (never its text). */
export function describe(s: Pick<Statement, 'retraction' | 'summary'>): string {
  return s.retraction ? `Retracted by its author: ${s.retraction.reason}` : s.summary;
}

export function newsArticle(s: Statement, parties: Map<string, Party>, url: string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: s.title,
    ...(describe(s) ? { description: describe(s) } : {}),
    url,
    mainEntityOfPage: url,
    inLanguage: s.language,
    datePublished: s.publishedAt,
    dateModified: lastModifiedOf(s),
    author: signatories(s).map((id) => ({ '@type': 'Organization', name: parties.get(id)?.name ?? id })),
    ...(s.topics.length ? { keywords: s.topics.join(', ') } : {}),
    ...(s.sourceUrl ? { isBasedOn: s.sourceUrl } : {}),
  };
}

export function ArticleHead({ s, parties, siteUrl }: { s: Statement; parties: Map<string, Party>; siteUrl: string }) {
  const url = `${siteUrl}${statementPath(s.id)}`;
  return (
    <>
      <link rel="canonical" href={url} />
      <meta property="og:type" content="article" />
      <meta property="og:title" content={s.title} />
      <meta property="og:url" content={url} />
      {describe(s) ? <meta property="og:description" content={describe(s)} /> : null}
      <meta property="og:locale" content={s.language.replace('-', '_')} />
      <meta property="article:published_time" content={s.publishedAt} />
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonForScript(newsArticle(s, parties, url)) }} />
    </>
  );
}
