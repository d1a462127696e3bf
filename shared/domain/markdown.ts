// Markdown from press offices becomes HTML through marked and an allow-list sanitiser, once, at write time.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { ALLOWED } from './html-policy.js';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Whether an image source is the platform's own: a path on this site or a URL on its origin. An image
 * from any other host would tell that host the address of every reader who opens the page or email.
 */
export function imageOnSite(src: string | undefined, siteOrigin: string): boolean {
  if (!src || /[\p{Cc}\s\\]/u.test(src)) return false;
  if (src.startsWith('/')) return !src.startsWith('//');
  try {
    return new URL(src).origin === new URL(siteOrigin).origin;
  } catch {
    return false;
  }
}

/** `siteOrigin` is the platform's public origin (config.siteUrl): the only host images may load from. */
export function markdownToSafeHtml(markdown: string, siteOrigin: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, {
    ...ALLOWED,
    exclusiveFilter: (frame) => frame.tag === 'img' && !imageOnSite(frame.attribs.src, siteOrigin),
  });
}

/** The text a reader sees, without markup: for search, summaries and the text/plain email part. */
export function htmlToText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|h\d|li|blockquote|pre|tr)>/g, '\n').replace(/<br\s*\/?>/g, '\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
