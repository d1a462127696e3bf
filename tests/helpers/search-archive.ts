// A search index on real files over an archive kept in memory (what the index reads as "stored now"):
// the fixtures of the search index's unit tests.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach } from 'vitest';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import { ProcessLocks } from '../../shared/adapters/local/process-locks.js';
import { MANIFEST_KEY, type Manifest } from '../../shared/search/format.js';
import { compactIndex, type IndexSource, indexChanges } from '../../shared/search/indexer.js';
import type { IndexDoc } from '../../shared/search/segment-builder.js';
import { tempDir } from './local-platform.js';

let n = 0;
export function aSearchDoc(over: Partial<IndexDoc> & { title: string }): IndexDoc {
  n++;
  return {
    id: `st-${String(n).padStart(4, '0')}`,
    version: 1,
    summary: '',
    body: 'A statement.',
    language: 'en',
    rtl: false,
    parties: [{ id: 'kke', name: 'Communist Party of Greece', short: 'KKE' }],
    countries: ['GR'],
    topics: [],
    publishedAt: '2026-05-01T10:00:00Z',
    ...over,
  };
}

export class Archive implements IndexSource {
  readonly docs = new Map<string, IndexDoc>();
  async load(ids: string[]) {
    return ids.map((id) => this.docs.get(id));
  }
  async *all() {
    yield [...this.docs.values()];
  }
}

/** As the local consumer does: into the delta, then a compaction when it is due. */
export async function publishInto(site: FileObjectStore, locks: ProcessLocks, archive: Archive, docs: IndexDoc[]) {
  for (const d of docs) archive.docs.set(d.id, d);
  const update = await indexChanges(
    site,
    locks,
    docs.map((d) => d.id),
    archive,
  );
  return update.compactDue ? compactIndex(site, locks, archive) : update;
}

/** A walk of the archive as it is now that yields only once released (a compaction that takes a while). */
export function walkHeldBack(archive: Archive): { slow: IndexSource; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const before = [...archive.docs.values()];
  const slow: IndexSource = {
    load: (ids) => archive.load(ids),
    async *all() {
      await gate;
      yield before;
    },
  };
  return { slow, release };
}

export async function manifestOf(site: FileObjectStore): Promise<Manifest> {
  return JSON.parse(Buffer.from((await site.get(MANIFEST_KEY)) ?? []).toString()) as Manifest;
}

/**
 * A fresh index (in its own folder) and archive for each test of the file that calls it, with the ways to
 * publish into them; the folders go after the file's tests.
 */
export function searchIndexFixture(prefix: string) {
  const root = tempDir(prefix);
  let stores = 0;
  const f = {
    site: undefined as unknown as FileObjectStore,
    archive: new Archive(),
    locks: new ProcessLocks(),
    publish: (...docs: IndexDoc[]) => publishInto(f.site, f.locks, f.archive, docs),
    manifest: () => manifestOf(f.site),
  };
  beforeEach(() => {
    f.site = new FileObjectStore(path.join(root, String(++stores)));
    f.archive = new Archive();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  return f;
}
