// Each Lambda's bundle, built as infra/constructs/app-function.ts has CDK build it (BUNDLING): size of the
// code uploaded, minified and gzipped, its largest packages, and cold-load time (node importing it, with
// the function's NODE_OPTIONS) against an empty `node -e ""`, median of runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { BUNDLING, NODE_OPTIONS, ROOT } from '../infra/constructs/app-function.js';
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
  NODE_OPTIONS,
};

/** What CDK leaves out of the bundle for the runtime to provide (aws-lambda-nodejs, Node.js 18 and later). */
export const EXTERNALS = BUNDLING.externalModules ?? (BUNDLING.bundleAwsSDK ? [] : ['@aws-sdk/*']);

/** The esbuild options CDK derives from BUNDLING. */
export function bundleOptions(name: string, outfile: string): BuildOptions & { metafile: true } {
  return {
    entryPoints: [path.join(ROOT, 'functions', name, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent ?? true,
    target: BUNDLING.target,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner as string },
    tsconfig: BUNDLING.tsconfig,
    external: EXTERNALS,
    metafile: true,
    logLevel: 'silent',
  };
}

/** KiB each package (or source folder) adds to the bundle, the largest first. */
export function largestParts(metafile: Metafile, top: number): Record<string, number> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      const part = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
      sizes.set(part, (sizes.get(part) ?? 0) + input.bytesInOutput);
    }
  }
  return Object.fromEntries(
    [...sizes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([part, bytes]) => [part, round(bytes / 1024)]),
  );
}

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
  // Inside the project, so that what is left out (EXTERNALS) loads from node_modules, as the runtime's own copy would.
  const cache = path.join(ROOT, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const out = fs.mkdtempSync(path.join(cache, 'communique-bundles-'));
  const env = { ...process.env, ...LAMBDA_ENV };
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) baseline.push(timeRun(['-e', ''], env));
  const results: Record<string, unknown> = {};
  try {
    for (const [n, name] of functions.entries()) {
      const file = path.join(out, name, 'index.mjs');
      const { metafile } = await build(bundleOptions(name, file));
      const code = fs.readFileSync(file);
      const load: number[] = [];
      for (let i = 0; i < runs; i++) load.push(timeRun(['--input-type=module', '-e', `await import(${JSON.stringify(file)})`], env));
      results[name] = {
        minifiedKiB: round(code.length / 1024),
        gzippedKiB: round(gzipSync(code).length / 1024),
        coldLoadMs: { median: round(pct(load, 50)), overBaseline: round(pct(load, 50) - pct(baseline, 50)) },
        largestKiB: largestParts(metafile, 6),
      };
      progress('bundles', n + 1, functions.length);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return { runs, externals: EXTERNALS, nodeOptions: NODE_OPTIONS, baselineNodeMs: round(pct(baseline, 50)), functions: results };
}
