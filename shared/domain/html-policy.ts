// The HTML a statement may hold (sanitize-html options): shared by the Markdown renderer and the emails, without marked.
import type sanitizeHtml from 'sanitize-html';

export const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'sup',
    'sub',
    'img',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Which images stay is decided by origin below (imageOnSite); the scheme list only lets that check run.
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // A statement's own headings sit below the page's h1.
  transformTags: {
    h1: 'h2',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener' } }),
  },
  disallowedTagsMode: 'discard',
};

/** Plain text as HTML text or an attribute's value: the four characters HTML gives meaning to, escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
