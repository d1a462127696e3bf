import { describe, expect, it } from 'vitest';
import { htmlToText, markdownToSafeHtml } from '../../shared/domain/markdown.js';
import { LIVE_MARKUP, XSS_PAYLOADS } from '../helpers/xss.js';

describe('markdownToSafeHtml', () => {
  it('renders ordinary Markdown', () => {
    const html = markdownToSafeHtml('# Title\n\nThe **workers** and [the union](https://example.org).\n\n- one\n- two');
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<strong>workers</strong>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener">the union</a>');
    expect(html).toContain('<li>one</li>');
  });

  it.each(XSS_PAYLOADS)('leaves no live markup from %s', (payload) => {
    const html = markdownToSafeHtml(`Before\n\n${payload}\n\nafter ${payload}`);
    for (const pattern of LIVE_MARKUP) expect(html).not.toMatch(pattern);
  });
});

describe('htmlToText', () => {
  it('keeps the words and paragraph breaks, and decodes entities once', () => {
    expect(htmlToText('<p>Workers &amp; peasants</p><p>&lt;b&gt; &amp;lt;</p>')).toBe('Workers & peasants\n<b> &lt;');
  });
});
