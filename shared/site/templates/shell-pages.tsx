// The shell's own pages: the 404 page, and the placeholders of the home and parties pages shown until
// the first statement is published (render-pages then replaces them).
import { Layout, renderDocument } from './layout.js';

export function renderNotFoundPage(): Promise<string> {
  return renderDocument(
    <Layout title="Page not found" lang="en" dir="ltr">
      <h1>Page not found</h1>
      <p>
        There is no page at this address. It may not be published yet, or the link may be mistyped. Start from the{' '}
        <a href="/">latest statements</a>, the <a href="/parties/">parties</a>, or <a href="/search/">search</a>.
      </p>
    </Layout>,
  );
}

export function renderNothingPublishedPage(heading: string): Promise<string> {
  return renderDocument(
    <Layout title={heading} lang="en" dir="ltr">
      <h1>{heading}</h1>
      <p class="empty">Nothing published yet. Statements appear here as soon as a press office publishes one.</p>
    </Layout>,
  );
}
