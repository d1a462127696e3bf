// Run by bench/archive.ts in a process of its own, so that its peak memory is the rebuild's alone:
// rebuilds the site of DATA_DIR into OUT and prints one JSON line of figures.
import { FileObjectStore } from '../shared/adapters/local/file-store.js';
import { ProcessLocks } from '../shared/adapters/local/process-locks.js';
import { localDeps, readLocalSettings } from '../shared/runtime/local.js';
import { rebuildSite } from '../shared/services/rebuild.js';

const out = process.argv[2];
if (!out) throw new Error('usage: rebuild-child.ts OUT_DIR (with DATA_DIR set)');
const p = localDeps(readLocalSettings());
const started = performance.now();
// As the CLI's rebuild does: no sync per file, one flush at the end.
const site = new FileObjectStore(out, { durable: false });
const report = await rebuildSite(p, { site, locks: new ProcessLocks() });
await site.flush();
const seconds = (performance.now() - started) / 1000;
p.db.close();
// maxRSS is in KiB.
console.log(JSON.stringify({ ...report, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
