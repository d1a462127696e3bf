// An archive at scale on the embedded default, for each size (1k, 10k by default): import it (statements
// stored per second), rebuild the whole site in a process of its own (files per second, peak memory),
// then publish statements into it one at a time and time render-pages (all the files one publish
// rewrites) and index-search, counting the files each publish writes; then correct and retract statements
// spread over the archive, timing the same.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { indexSearch } from '../shared/consumers/index-search.js';
import { renderPages } from '../shared/consumers/render-pages.js';
import type { Party } from '../shared/domain/party.js';
import { correctStatement, retractStatement } from '../shared/services/corrections.js';
import { requireStatement } from '../shared/services/read-statement.js';
import { importedArchive, publishInto, ROOT } from './archive-corpus.js';
import { pct, progress, round } from './stats.js';

export async function benchArchive(sizes: number[], publishes: number) {
  const results = [];
  for (const size of sizes) results.push(await benchSize(size, publishes));
  return results;
}

async function benchSize(size: number, publishes: number) {
  const { p, dataDir, files, imported, storeSeconds, remove } = await importedArchive(size);
  try {
    // The whole site from the stored statements, in a process of its own: its peak memory is the rebuild's.
    process.stderr.write(`archive ${size}: rebuilding\n`);
    const line = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench/rebuild-child.ts'), path.join(dataDir, 'site')],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, DEMO_DATA: 'off' },
        encoding: 'utf8',
      },
    );
    const rebuild = JSON.parse(line.trim().split('\n').at(-1) as string) as {
      built: number;
      statements: number;
      indexMs: number;
      seconds: number;
      peakRssMiB: number;
    };
    const pagesSeconds = rebuild.seconds - rebuild.indexMs / 1000;

    // Publishing into the archive, one statement at a time, as a press office does.
    const parties = JSON.parse(fs.readFileSync(files.parties, 'utf8')) as Party[];
    const renderMs: number[] = [];
    const indexMs: number[] = [];
    const written: number[] = [];
    for (let i = 0; i < publishes; i++) {
      const event = await publishInto(p, parties, i);
      const r0 = performance.now();
      written.push((await renderPages(p, event)).length);
      renderMs.push(performance.now() - r0);
      const i0 = performance.now();
      await indexSearch(p, event);
      indexMs.push(performance.now() - i0);
      progress(`archive ${size}: publishes`, i + 1, publishes);
    }
    // Changing what the archive holds: a correction, then a retraction, of statements spread over it (old
    // ones among them: their archive pages are anchored at the oldest), each rendered and indexed.
    const changes = {
      corrected: { ms: [] as number[], written: [] as number[] },
      retracted: { ms: [] as number[], written: [] as number[] },
    };
    for (let i = 0; i < publishes; i++) {
      const id = `st-${String(1 + Math.floor(((i + 0.5) * size) / publishes)).padStart(6, '0')}`;
      const current = await requireStatement(p, id);
      if (current.retraction) continue;
      // Each change rendered and indexed before the next is made, so that each one's own work is timed.
      const timed = async (kind: 'corrected' | 'retracted', s: { version: number; party: string }) => {
        const event = {
          type: `statement.${kind}` as const,
          statementId: id,
          version: s.version,
          party: s.party,
          occurredAt: new Date().toISOString(),
        };
        const r0 = performance.now();
        changes[kind].written.push((await renderPages(p, event)).length);
        await indexSearch(p, event);
        changes[kind].ms.push(performance.now() - r0);
      };
      const correction = {
        title: `${current.title} (corrected)`,
        summary: current.summary,
        body: `${current.bodyMarkdown}\n\nCorrected.`,
        topics: current.topics,
        correctionNote: 'Bench correction',
      };
      await timed('corrected', await correctStatement(p, current.party, id, correction, `"${current.version}"`));
      await timed('retracted', await retractStatement(p, current.party, id, { reason: 'Bench retraction' }));
      progress(`archive ${size}: corrections and retractions`, i + 1, publishes);
    }
    const summaryOf = (c: { ms: number[]; written: number[] }) => ({
      runs: c.ms.length,
      filesWritten: { min: Math.min(...c.written), p50: pct(c.written, 50), max: Math.max(...c.written) },
      renderAndIndexMs: { p50: round(pct(c.ms, 50)), p95: round(pct(c.ms, 95)) },
    });
    p.db.close();
    return {
      statements: size,
      import: { stored: imported, seconds: round(storeSeconds), perSecond: round(imported / storeSeconds) },
      rebuild: {
        files: rebuild.built,
        seconds: round(rebuild.seconds),
        searchIndexSeconds: round(rebuild.indexMs / 1000),
        filesPerSecondWithoutSearch: round(rebuild.built / pagesSeconds),
        filesPerSecondOverall: round(rebuild.built / rebuild.seconds),
        peakRssMiB: round(rebuild.peakRssMiB),
      },
      publish: {
        runs: publishes,
        filesWritten: { min: Math.min(...written), p50: pct(written, 50), max: Math.max(...written) },
        renderPagesMs: { p50: round(pct(renderMs, 50)), p95: round(pct(renderMs, 95)) },
        indexSearchMs: { p50: round(pct(indexMs, 50)), p95: round(pct(indexMs, 95)) },
      },
      correct: summaryOf(changes.corrected),
      retract: summaryOf(changes.retracted),
    };
  } finally {
    remove();
  }
}
