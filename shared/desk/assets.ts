// The desk's stylesheet and script, published with the site's shell as /assets/desk.css and /assets/desk.js.
import fs from 'node:fs/promises';
import { build } from 'esbuild';
import type { SiteFile } from '../site/shell.js';

/** `sourceFile` finds a file of the tree from shared/site (shell.ts), from source and from dist/ alike. */
export async function deskAssets(sourceFile: (rel: string) => string): Promise<SiteFile[]> {
  const bundle = await build({
    entryPoints: [sourceFile('../desk/desk-page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text;
  if (!script) throw new Error('esbuild produced no desk script');
  return [
    { key: 'assets/desk.css', body: await fs.readFile(sourceFile('../desk/desk.css'), 'utf8'), contentType: 'text/css; charset=utf-8' },
    { key: 'assets/desk.js', body: script, contentType: 'text/javascript; charset=utf-8' },
  ];
}
