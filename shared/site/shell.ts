// The site's shell: files that do not depend on any statement (stylesheet, search page and its script).
// Published at local start-up, and by the CDK deployment on AWS.
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ObjectStore } from '../ports.js';
import { renderSearchPage } from './templates/pages.js';

export interface SiteFile {
  key: string;
  body: string;
  contentType: string;
}

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

export async function buildSiteShell(): Promise<SiteFile[]> {
  const bundle = await build({
    entryPoints: [here('../search/browser/search-page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text;
  if (!script) throw new Error('esbuild produced no search script');
  return [
    { key: 'assets/site.css', body: await fs.readFile(here('./assets/site.css'), 'utf8'), contentType: 'text/css; charset=utf-8' },
    { key: 'assets/search.js', body: script, contentType: 'text/javascript; charset=utf-8' },
    { key: 'search/index.html', body: await renderSearchPage(), contentType: 'text/html; charset=utf-8' },
  ];
}

export async function publishSiteShell(site: ObjectStore): Promise<void> {
  for (const f of await buildSiteShell()) await site.put(f.key, f.body, f.contentType);
}
