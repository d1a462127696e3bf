// The site's shell at local start-up: shell files are (re)written, placeholders only where no page is.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { buildSiteShell, publishSiteShell } from '../../shared/site/shell.js';
import { tempDir } from '../helpers/local-platform.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const aSiteStore = () => {
  const dir = tempDir('communique-shell-');
  dirs.push(dir);
  return new FileObjectStore(dir);
};
const text = async (site: FileObjectStore, key: string) => Buffer.from((await site.get(key)) ?? []).toString('utf8');

describe('publishSiteShell', () => {
  it('ships a 404 page and placeholders for the home page, the index pages and the subscribe page', async () => {
    const files = await buildSiteShell();
    expect(files.filter((f) => f.placeholder).map((f) => f.key)).toEqual([
      'index.html',
      'parties/index.html',
      'countries/index.html',
      'languages/index.html',
      'topics/index.html',
      'archive/index.html',
      'subscribe/index.html',
    ]);
    const notFound = files.find((f) => f.key === '404.html');
    expect(notFound?.placeholder).toBeUndefined();
    expect(notFound?.body).toContain('Page not found');
    expect(files.find((f) => f.key === 'index.html')?.body).toContain('Nothing published yet');
  });

  it('ships a robots.txt that lets crawlers read every page but not the API, and names the sitemap', async () => {
    const robots = (await buildSiteShell('https://statements.example.org')).find((f) => f.key === 'robots.txt');
    expect(robots?.body.split('\n')).toEqual([
      'User-agent: *',
      'Allow: /',
      'Disallow: /v1/',
      '',
      'Sitemap: https://statements.example.org/sitemap.xml',
      '',
    ]);
    expect(robots?.contentType).toBe('text/plain; charset=utf-8');
  });

  it('does not overwrite an index.html render-pages wrote, but writes the 404 page and the missing placeholders', async () => {
    const site = aSiteStore();
    await site.put('index.html', '<!doctype html><p>published', 'text/html');
    await publishSiteShell(site);
    expect(await text(site, 'index.html')).toBe('<!doctype html><p>published');
    expect(await text(site, '404.html')).toContain('Page not found');
    expect(await text(site, 'parties/index.html')).toContain('Nothing published yet');
  });

  it('replaces shell files on every start', async () => {
    const site = aSiteStore();
    await site.put('404.html', 'old', 'text/html');
    await publishSiteShell(site, [{ key: '404.html', body: 'new', contentType: 'text/html' }]);
    expect(await text(site, '404.html')).toBe('new');
  });
});
