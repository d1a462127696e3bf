// A statement page's head for machines: canonical URL, Open Graph, and NewsArticle JSON-LD that no text
// of the press office can break out of.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPages } from '../../shared/consumers/render-pages.js';
import type { Statement } from '../../shared/domain/statement.js';
import { submitStatement } from '../../shared/services/statements.js';
import { jsonForScript } from '../../shared/site/templates/article-head.js';
import { aStatementInput } from '../helpers/factories.js';
import { aLocalPlatform } from '../helpers/local-platform.js';

let p: Awaited<ReturnType<typeof aLocalPlatform>>;
let s: Statement;
let page: string;
const HOSTILE = 'Strike </script><script>alert(1)</script> & "quotes"';

beforeAll(async () => {
  p = await aLocalPlatform();
  s = (
    await submitStatement(
      p,
      'tudeh',
      aStatementInput({
        title: HOSTILE,
        summary: 'A <b>summary</b>',
        language: 'fa',
        topics: ['workers', 'strikes'],
        publishedAt: '2026-10-01T08:00:00Z',
      }),
    )
  ).statement;
  await renderPages(p, { type: 'statement.published', statementId: s.id, version: 1, party: 'tudeh', occurredAt: s.createdAt });
  page = Buffer.from((await p.site.get(`statements/${s.id}/index.html`)) ?? []).toString('utf8');
});
afterAll(() => p.cleanup());

describe('a statement page’s head', () => {
  it('names its canonical URL and carries Open Graph tags, escaped', () => {
    expect(page).toContain(`<link rel="canonical" href="http://localhost:3000/statements/${s.id}/"/>`);
    expect(page).toContain('<meta property="og:type" content="article"/>');
    expect(page).toContain(
      '<meta property="og:title" content="Strike &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"/>',
    );
    expect(page).toContain('<meta property="og:locale" content="fa"/>');
  });

  it('holds one NewsArticle JSON-LD block that parses back to the statement', () => {
    const blocks = [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
    expect(blocks).toHaveLength(1);
    const article = JSON.parse(blocks[0]?.[1] as string);
    expect(article).toMatchObject({
      '@type': 'NewsArticle',
      headline: HOSTILE,
      inLanguage: 'fa',
      datePublished: '2026-10-01T08:00:00.000Z',
      author: [{ '@type': 'Organization', name: 'Tudeh Party of Iran' }],
      keywords: 'workers, strikes',
    });
    // The only script elements are the JSON-LD block: the title's </script><script> stayed text.
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it('shows the statement’s country, language and topics as links to their listings', () => {
    expect(page).toContain('<a href="/countries/ir/">Iran</a>');
    expect(page).toContain('<a class="language" href="/languages/fa/" lang="fa" dir="rtl">فارسی</a>');
    expect(page).toContain('<a href="/topics/workers/">workers</a>');
  });

  it('escapes what could end a script element or a line in JSON', () => {
    expect(jsonForScript({ a: '</script>\u2028&' })).toBe('{"a":"\\u003c/script\\u003e\\u2028\\u0026"}');
  });
});
