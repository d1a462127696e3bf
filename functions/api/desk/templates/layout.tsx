// The desk's page frame: a skip link, the desk's navigation and sign-out, the site's and the desk's stylesheets.
import type { Child } from 'hono/jsx';

export interface DeskPageProps {
  title: string;
  /** The page's h1 when it is more than the title: a statement's title in its own language and direction. */
  heading?: Child;
  /** The signed-in office: its name in the header, and the token of the sign-out form. */
  office?: { name: string; csrf: string };
  /** A short confirmation of what was just done ("Statement published"), announced politely. */
  notice?: string;
  children?: Child;
}

/** A statement's title inside English text: isolated, in its own language and direction. */
export function StatementTitle({ s }: { s: { title: string; language: string; dir?: 'ltr' | 'rtl' } }) {
  return (
    <bdi lang={s.language} dir={s.dir ?? 'auto'}>
      {s.title}
    </bdi>
  );
}

export function DeskPage({ title, heading, office, notice, children }: DeskPageProps) {
  return (
    <html lang="en" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · Communiqué desk`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href="/assets/desk.css" />
        <script type="module" src="/assets/desk.js" />
      </head>
      <body class="desk">
        <a class="skip-link" href="#main">
          Skip to the main content
        </a>
        <header class="site">
          <a class="brand" href="/desk/">
            Communiqué desk
          </a>
          {office ? (
            <nav aria-label="Desk">
              <a href="/desk/">Statements</a>
              <a href="/desk/statements/new">Write a statement</a>
              <a href="/">Public site</a>
            </nav>
          ) : null}
          {office ? (
            <form class="sign-out" method="post" action="/desk/sign-out">
              <input type="hidden" name="csrf" value={office.csrf} />
              <span class="office">{office.name}</span> <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {notice ? (
            <p class="notice" role="status">
              {notice}
            </p>
          ) : null}
          <h1>{heading ?? title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}
