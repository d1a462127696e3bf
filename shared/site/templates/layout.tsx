// The page frame every site page shares: language and direction, the stylesheet, the site's navigation.
import type { Child } from 'hono/jsx';

export interface LayoutProps {
  title: string;
  lang: string;
  dir: 'ltr' | 'rtl';
  description?: string;
  scripts?: string[];
  /** The page's contents stamp (page-contents.ts), on pages that concurrent renders rewrite. */
  contents?: string;
  /** The folder of this listing's feeds ("/", "/parties/kke/"), linked for feed readers. */
  feeds?: string;
  /** The page's absolute URL, for search engines (statement pages give theirs in `head`). */
  canonical?: string;
  /** More of the head: a statement's canonical link, Open Graph tags and JSON-LD. */
  head?: Child;
  children?: Child;
}

export function Layout({ title, lang, dir, description, scripts = [], contents, feeds, canonical, head, children }: LayoutProps) {
  return (
    <html lang={lang} dir={dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Communiqué`}</title>
        {description ? <meta name="description" content={description} /> : null}
        {contents !== undefined ? <meta name="communique-contents" content={contents} /> : null}
        {feeds !== undefined ? (
          <link rel="alternate" type="application/atom+xml" title={`${title} (Atom)`} href={`${feeds}feed.xml`} />
        ) : null}
        {feeds !== undefined ? (
          <link rel="alternate" type="application/feed+json" title={`${title} (JSON Feed)`} href={`${feeds}feed.json`} />
        ) : null}
        {canonical ? <link rel="canonical" href={canonical} /> : null}
        <link rel="stylesheet" href="/assets/site.css" />
        {head ?? null}
        {scripts.map((src) => (
          <script type="module" src={src} />
        ))}
      </head>
      <body>
        <header class="site" lang="en" dir="ltr">
          <a class="brand" href="/">
            Communiqué
          </a>
          <nav aria-label="Site">
            <a href="/">Latest</a>
            <a href="/parties/">Parties</a>
            <a href="/countries/">Countries</a>
            <a href="/languages/">Languages</a>
            <a href="/topics/">Topics</a>
            <a href="/archive/">Archive</a>
            <a href="/search/">Search</a>
            <a href="/subscribe/">Subscribe</a>
          </nav>
        </header>
        <main>{children}</main>
        <footer class="site" lang="en" dir="ltr">
          Statements of communist and workers' parties, published by their press offices.
        </footer>
      </body>
    </html>
  );
}

export async function renderDocument(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!doctype html>\n${await node.toString()}`;
}
