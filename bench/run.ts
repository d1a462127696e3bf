// `npm run bench`: the local flow (submit throughput, submit-to-visible latency) and the Lambda bundles
// (size, cold load). Prints the figures and writes them to bench/results/. Not a test: the numbers
// depend on the machine, which the results record.
// Options: --only=flow|bundles|email|import|archive|search --submits=500 --concurrency=8 --latency=40 --runs=15 --subscribers=100000
// --import=1000 --archive=1000,10000 --publishes=30 --search=1000,10000
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { benchArchive } from './archive.js';
import { benchBundles } from './bundles.js';
import { benchEmail } from './email.js';
import { benchFlow } from './flow.js';
import { benchImport } from './import.js';
import { benchSearch } from './search.js';
import { round } from './stats.js';

const Args = z.object({
  only: z.enum(['flow', 'bundles', 'email', 'import', 'archive', 'search']).optional(),
  submits: z.coerce.number().int().positive().default(500),
  concurrency: z.coerce.number().int().positive().default(8),
  latency: z.coerce.number().int().positive().default(40),
  runs: z.coerce.number().int().positive().default(15),
  subscribers: z.coerce.number().int().positive().default(100_000),
  import: z.coerce.number().int().positive().default(1000),
  archive: z
    .string()
    .default('1000,10000')
    .transform((v) => v.split(',').map(Number))
    .pipe(z.array(z.number().int().positive())),
  publishes: z.coerce.number().int().positive().default(30),
  search: z
    .string()
    .default('1000,10000')
    .transform((v) => v.split(',').map(Number))
    .pipe(z.array(z.number().int().positive())),
});

async function main() {
  const raw = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
  const parsed = Args.safeParse(raw);
  if (!parsed.success) throw new Error(`bad option: ${parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')}`);
  const args = parsed.data;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
    ...(args.only === undefined || args.only === 'flow'
      ? { flow: await benchFlow({ submits: args.submits, concurrency: args.concurrency, latencyProbes: args.latency }) }
      : {}),
    ...(args.only === undefined || args.only === 'email' ? { email: await benchEmail(args.subscribers) } : {}),
    ...(args.only === undefined || args.only === 'import' ? { import: await benchImport(args.import) } : {}),
    ...(args.only === undefined || args.only === 'archive' ? { archive: await benchArchive(args.archive, args.publishes) } : {}),
    ...(args.only === undefined || args.only === 'search' ? { search: await benchSearch(args.search, args.publishes) } : {}),
    ...(args.only === undefined || args.only === 'bundles' ? { bundles: await benchBundles(args.runs) } : {}),
  };
  const file = path.join(import.meta.dirname, 'results', `bench-${results.date.slice(0, 19).replace(/:/g, '')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
