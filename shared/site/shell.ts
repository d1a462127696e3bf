// The site's shell: files that do not depend on any statement (stylesheet, search page and its script,
// the 404 page, the web desk's stylesheet and script), and placeholders for the pages render-pages writes once something is published (the
// subscribe page among them: it lists the parties, countries, languages and topics).
// Published at local start-up, and by the CDK deployment on AWS.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PreconditionFailedError } from '../errors.js';
import type { ObjectStore } from '../ports.js';
import { renderSearchPage } from './templates/pages.js';
import { renderNotFoundPage, renderNothingPublishedPage } from './templates/shell-pages.js';
import { renderSubscribePage, SUBSCRIBE_PAGE_KEY } from './templates/subscribe-page.js';

export interface SiteFile {
  key: string;
  body: string;
  contentType: string;
  /** Written only where the key is absent: a page render-pages owns, shown before its first render. */
  placeholder?: true;
}

const HTML = 'text/html; charset=utf-8';

/**
 * The shell's sources are read from the project tree: from here when run from source (tsx, the CDK app),
 * and from the project root when this module is bundled into dist/ (npm start).
 */
function sourceFile(rel: string): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'site', rel);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`shell source shared/site/${rel} not found above ${import.meta.url}`);
  }
}

/** Every page is for readers and search engines; the API is not a page. The sitemap needs the site's origin. */
export function robotsTxt(siteUrl?: string): string {
  return `User-agent: *\nAllow: /\nDisallow: /v1/\n${siteUrl ? `\nSitemap: ${siteUrl}/sitemap.xml\n` : ''}`;
}

/** A page's script: its entry module bundled for the browser, served from our own origin (the CSP allows no other). */
async function browserScript(entry: string): Promise<string> {
  const bundle = await build({
    entryPoints: [sourceFile(entry)],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text;
  if (!script) throw new Error(`esbuild produced no script from ${entry}`);
  return script;
}

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** The shell; `siteUrl` (the public origin) adds the sitemap's address to robots.txt. */
export async function buildSiteShell(siteUrl?: string): Promise<SiteFile[]> {
  return [
    { key: 'assets/site.css', body: await fs.readFile(sourceFile('assets/site.css'), 'utf8'), contentType: CSS },
    { key: 'assets/search.js', body: await browserScript('../search/browser/search-page.ts'), contentType: JS },
    { key: 'search/index.html', body: await renderSearchPage(), contentType: HTML },
    { key: '404.html', body: await renderNotFoundPage(), contentType: HTML },
    { key: 'robots.txt', body: robotsTxt(siteUrl), contentType: 'text/plain; charset=utf-8' },
    // The web desk's (functions/api/desk).
    { key: 'assets/desk.css', body: await fs.readFile(sourceFile('../desk/desk.css'), 'utf8'), contentType: CSS },
    { key: 'assets/desk.js', body: await browserScript('../desk/desk-page.ts'), contentType: JS },
    ...(await Promise.all(
      [
        ['index.html', 'Latest statements'],
        ['parties/index.html', 'Parties'],
        ['countries/index.html', 'Countries'],
        ['languages/index.html', 'Languages'],
        ['topics/index.html', 'Topics'],
        ['archive/index.html', 'Archive by year'],
      ].map(async ([key, heading]) => ({
        key: key as string,
        body: await renderNothingPublishedPage(heading as string),
        contentType: HTML,
        placeholder: true as const,
      })),
    )),
    // The subscribe page offers every statement until the parties index is first written with it.
    { key: SUBSCRIBE_PAGE_KEY, body: await renderSubscribePage(), contentType: HTML, placeholder: true },
  ];
}

export async function publishSiteShell(site: ObjectStore, files?: SiteFile[], siteUrl?: string): Promise<void> {
  for (const f of files ?? (await buildSiteShell(siteUrl))) {
    if (!f.placeholder) {
      await site.put(f.key, f.body, f.contentType);
      continue;
    }
    // Looked for first as well: a store that ignores the condition (s3rver) must not lose a page either.
    if (await site.get(f.key)) continue;
    try {
      await site.put(f.key, f.body, f.contentType, { ifNoneMatch: '*' });
    } catch (e) {
      // The page is there already (published, or an earlier placeholder): it stays.
      if (!(e instanceof PreconditionFailedError)) throw e;
    }
  }
}
