// Each Lambda's bundle (the same esbuild options as infra/constructs/app-function.ts): size minified
// and gzipped, and cold-load time (node importing it) against an empty `node -e ""`, median of runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLING, ROOT } from '../infra/constructs/app-function.js';
import { pct, progress, round } from './stats.js';

/** What the functions read at module scope; nothing is called at import. */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'communique-bench',
  CONTENT_BUCKET: 'content',
  SITE_BUCKET: 'site',
  SITE_URL: 'https://statements.example.org',
  MAIL_FROM: 'statements@example.org',
  TOPIC_ARN: 'arn:aws:sns:eu-central-1:123456789012:events',
};

function timeRun(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

export async function benchBundles(runs: number) {
  const functions = fs
    .readdirSync(path.join(ROOT, 'functions'))
    .filter((d) => fs.existsSync(path.join(ROOT, 'functions', d, 'handler.ts')));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'communique-bundles-'));
  const env = { ...process.env, ...LAMBDA_ENV };
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) baseline.push(timeRun(['-e', ''], env));
  const results: Record<string, unknown> = {};
  try {
    for (const [n, name] of functions.entries()) {
      const file = path.join(out, name, 'index.mjs');
      await build({
        entryPoints: [path.join(ROOT, 'functions', name, 'handler.ts')],
        outfile: file,
        bundle: true,
        platform: 'node',
        format: 'esm',
        minify: BUNDLING.minify,
        sourcemap: BUNDLING.sourceMap,
        target: BUNDLING.target,
        mainFields: BUNDLING.mainFields,
        banner: { js: BUNDLING.banner as string },
        tsconfig: BUNDLING.tsconfig,
        logLevel: 'silent',
      });
      const code = fs.readFileSync(file);
      const load: number[] = [];
      for (let i = 0; i < runs; i++) load.push(timeRun(['--input-type=module', '-e', `await import(${JSON.stringify(file)})`], env));
      results[name] = {
        minifiedKiB: round(code.length / 1024),
        gzippedKiB: round(gzipSync(code).length / 1024),
        coldLoadMs: { median: round(pct(load, 50)), overBaseline: round(pct(load, 50) - pct(baseline, 50)) },
      };
      progress('bundles', n + 1, functions.length);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return { runs, baselineNodeMs: round(pct(baseline, 50)), functions: results };
}
