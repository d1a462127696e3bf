// `npm run build`: bundles the embedded platform's entry (npm start) into dist/ with esbuild, once, so that
// it runs under plain node. Dependencies stay in node_modules (better-sqlite3 is native).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
/** Written last: its time is the build's, for `npm start` to compare with the sources'. */
export const STAMP = path.join(DIST, '.built');
/** What the bundle is made of: any of these newer than the stamp means the build is stale. */
export const SOURCES = ['shared', 'functions', 'package-lock.json', 'tsconfig.json'];

export async function buildDist() {
  const started = Date.now();
  fs.rmSync(DIST, { recursive: true, force: true });
  await build({
    entryPoints: { 'start-local': path.join(ROOT, 'shared/runtime/start-local.ts') },
    outdir: DIST,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  });
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return Date.now() - started;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildDist().then(
    (ms) => console.log(`built dist/start-local.js in ${ms} ms`),
    (e) => {
      console.error(`build: ${e.message}`);
      process.exit(1);
    },
  );
}
