import { describe, expect, it } from 'vitest';
import { htmlToText, markdownToSafeHtml } from '../../shared/domain/markdown.js';
import { LIVE_MARKUP, XSS_PAYLOADS } from '../helpers/xss.js';

const siteUrl = 'https://communique.example';

describe('markdownToSafeHtml', () => {
  it('renders ordinary Markdown', () => {
    const html = markdownToSafeHtml('# Title\n\nThe **workers** and [the union](https://example.org).\n\n- one\n- two', siteUrl);
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<strong>workers</strong>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener">the union</a>');
    expect(html).toContain('<li>one</li>');
  });

  it.each(XSS_PAYLOADS)('leaves no live markup from %s', (payload) => {
    const html = markdownToSafeHtml(`Before\n\n${payload}\n\nafter ${payload}`, siteUrl);
    for (const pattern of LIVE_MARKUP) expect(html).not.toMatch(pattern);
  });

  it("keeps images on the platform's own origin and relative paths on the site", () => {
    const html = markdownToSafeHtml(`![poster](${siteUrl}/attachments/a.png) and ![map](/attachments/b.png "Map")`, siteUrl);
    expect(html).toContain(`<img src="${siteUrl}/attachments/a.png" alt="poster" />`);
    expect(html).toContain('<img src="/attachments/b.png" alt="map" title="Map" />');
  });

  it.each([
    'https://evil.example/x.png',
    'http://communique.example/x.png',
    'https://communique.example.evil.example/x.png',
    'https://communique.example@evil.example/x.png',
    '//evil.example/x.png',
    '/\\evil.example/x.png',
    'x.png',
  ])('drops an image from anywhere else: %s', (src) => {
    const html = markdownToSafeHtml(`Before <img src="${src}" alt="tracker"> after`, siteUrl);
    expect(html).not.toContain('<img');
    expect(html).toContain('Before');
    expect(html).toContain('after');
  });

  it('drops a Markdown image from another host', () => {
    expect(markdownToSafeHtml('![tracker](https://evil.example/x.png)', siteUrl)).not.toContain('<img');
  });
});

describe('htmlToText', () => {
  it('keeps the words and paragraph breaks, and decodes entities once', () => {
    expect(htmlToText('<p>Workers &amp; peasants</p><p>&lt;b&gt; &amp;lt;</p>')).toBe('Workers & peasants\n<b> &lt;');
  });
});
