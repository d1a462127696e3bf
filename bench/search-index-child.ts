// Run by bench/search.ts in a process of its own, so that its peak memory is the index build's alone:
// builds the search index of DATA_DIR's statements (a full base segment, as `rebuild` and a compaction
// build it) into OUT and prints one JSON line of figures.
import { FileObjectStore } from '../shared/adapters/local/file-store.js';
import { ProcessLocks } from '../shared/adapters/local/process-locks.js';
import { compactSearchIndex } from '../shared/consumers/index-search.js';
import { localDeps, readLocalSettings } from '../shared/runtime/local.js';

const out = process.argv[2];
if (!out) throw new Error('usage: search-index-child.ts OUT_DIR (with DATA_DIR set)');
const p = localDeps(readLocalSettings());
const started = performance.now();
// As the CLI's rebuild writes: no sync per file, one flush at the end.
const site = new FileObjectStore(out, { durable: false });
const update = await compactSearchIndex({ ...p, site, locks: new ProcessLocks() });
await site.flush();
const seconds = (performance.now() - started) / 1000;
p.db.close();
// maxRSS is in KiB.
console.log(JSON.stringify({ bytes: update.bytes, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
