// Keeps the search index up to date: a compacted base segment, one small delta segment with the statements
// published (or changed) since, and the manifest that names them. A publish rebuilds only the delta (at
// most compactAt() statements, a few percent of the index) and writes a new manifest; when the delta
// outgrows that, the statements are compacted into a new base, walking them in publication order exactly
// as a rebuild does, so both write the same bytes. Writers take the index's lock, and the manifest is
// written only if it is still the one read (a writer whose lease expired cannot overwrite a newer one).
// Retired segments are removed an hour after they were retired: a reader that loaded the older manifest
// can still finish its query.
import { inParallel } from '../concurrency/in-parallel.js';
import type { Locks, ObjectStore } from '../ports.js';
import { FORMAT, idsKey, MANIFEST_KEY, type Manifest, ROOT, type SegmentInfo } from './format.js';
import { type IndexDoc, SegmentBuilder } from './segment-builder.js';
import { indexStemmerFor } from './stemmers.js';

export const INDEX_LOCK = 'site:search-index';
const RETIRED_FOR_MS = 60 * 60 * 1000;
const WRITES_AT_ONCE = 8;

export interface IndexSource {
  /** The current documents of these statements, in the same order; undefined for one that is not to be indexed. */
  load(ids: string[]): Promise<Array<IndexDoc | undefined>>;
  /** Every statement to index, in publication order, a chunk at a time. */
  all(): AsyncIterable<IndexDoc[]>;
}

export interface IndexUpdate {
  /** What the update did: nothing (already indexed), a new delta, or a compaction into a new base. */
  action: 'unchanged' | 'delta' | 'compacted';
  /** Bytes written (segment files and manifest). */
  bytes: number;
}

/** The delta's largest size before it is merged into the base: 2% of the base, at least 20 and at most 100 statements. */
export function compactAt(baseDocs: number): number {
  return Math.min(100, Math.max(20, Math.floor(baseDocs * 0.02)));
}

export function emptyManifest(): Manifest {
  return { format: FORMAT, generation: 0, avgLength: 0, superseded: [], deltaIds: [], retired: [] };
}

async function readJson<T>(site: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await site.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined;
}

/** The base's [document number, version] of each statement id, reading one ids file per id. */
async function baseEntries(site: ObjectStore, base: SegmentInfo | undefined, ids: string[]): Promise<Map<string, [number, number]>> {
  const found = new Map<string, [number, number]>();
  if (!base || ids.length === 0) return found;
  const firsts = (await readJson<string[]>(site, idsKey(base.id))) ?? [];
  const byFile = new Map<number, string[]>();
  for (const id of ids) {
    let n = -1;
    for (let lo = 0, hi = firsts.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if ((firsts[mid] as string) <= id) {
        n = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (n >= 0) byFile.set(n, [...(byFile.get(n) ?? []), id]);
  }
  await inParallel(byFile, WRITES_AT_ONCE, async ([n, wanted]) => {
    const entries = (await readJson<Array<[string, number, number]>>(site, idsKey(base.id, n))) ?? [];
    const set = new Set(wanted);
    for (const [id, doc, version] of entries) if (set.has(id)) found.set(id, [doc, version]);
  });
  return found;
}

async function writeSegment(site: ObjectStore, builder: SegmentBuilder): Promise<{ info: SegmentInfo; bytes: number }> {
  const { info, files } = builder.finish();
  let bytes = 0;
  await inParallel(files, WRITES_AT_ONCE, async (file) => {
    bytes += Buffer.byteLength(file.body);
    await site.put(file.key, file.body, 'application/json');
  });
  return { info, bytes };
}

/** A builder for a base segment: fed every statement in publication order (a rebuild and a compaction alike). */
export function baseBuilder(): SegmentBuilder {
  return new SegmentBuilder(indexStemmerFor);
}

/** Removes the files of segments retired long enough ago (unless in use again); returns the ones still kept. */
async function collect(
  site: ObjectStore,
  retired: Manifest['retired'],
  live: Array<string | undefined>,
  now: number,
): Promise<Manifest['retired']> {
  const kept: Manifest['retired'] = [];
  for (const r of retired) {
    if (live.includes(r.id)) continue;
    if (now - Date.parse(r.at) < RETIRED_FOR_MS) kept.push(r);
    else await site.delete(await site.list(`${ROOT}/${r.id}/`));
  }
  return kept;
}

async function writeManifest(site: ObjectStore, next: Manifest, etag: string | undefined): Promise<number> {
  const body = JSON.stringify(next);
  await site.put(MANIFEST_KEY, body, 'application/json', etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
  return Buffer.byteLength(body);
}

function retire(manifest: Manifest, ids: Array<string | undefined>, at: string): Manifest['retired'] {
  const retired = [...manifest.retired];
  for (const id of ids) if (id && !retired.some((r) => r.id === id)) retired.push({ id, at });
  return retired;
}

/**
 * Replaces the whole index with a base segment built from every statement (a rebuild, which fed the
 * builder while it walked the statements for their pages).
 */
export async function installBase(site: ObjectStore, locks: Locks, builder: SegmentBuilder): Promise<IndexUpdate> {
  return locks.withLock(INDEX_LOCK, async () => {
    const current = await site.read(MANIFEST_KEY);
    const manifest = current ? (JSON.parse(Buffer.from(current.body).toString('utf8')) as Manifest) : emptyManifest();
    return compact(site, manifest, current?.etag, builder);
  });
}

/** Merges the delta into a new base built from every statement (source: statements in publication order). */
export async function compactIndex(site: ObjectStore, locks: Locks, all: AsyncIterable<IndexDoc[]>): Promise<IndexUpdate> {
  return locks.withLock(INDEX_LOCK, async () => {
    const current = await site.read(MANIFEST_KEY);
    const manifest = current ? (JSON.parse(Buffer.from(current.body).toString('utf8')) as Manifest) : emptyManifest();
    return compact(site, manifest, current?.etag, all);
  });
}

async function compact(
  site: ObjectStore,
  manifest: Manifest,
  etag: string | undefined,
  source: AsyncIterable<IndexDoc[]> | SegmentBuilder,
): Promise<IndexUpdate> {
  let builder: SegmentBuilder;
  if (source instanceof SegmentBuilder) builder = source;
  else {
    builder = baseBuilder();
    for await (const chunk of source) for (const doc of chunk) builder.add(doc);
  }
  const { info, bytes } = await writeSegment(site, builder);
  const now = new Date();
  const old = [manifest.base?.id, manifest.delta?.id].filter((id) => id !== info.id);
  const next: Manifest = {
    format: FORMAT,
    generation: manifest.generation + 1,
    avgLength: info.docs ? info.length / info.docs : 0,
    base: info,
    superseded: [],
    deltaIds: [],
    retired: await collect(site, retire(manifest, old, now.toISOString()), [info.id], now.getTime()),
  };
  return { action: 'compacted', bytes: bytes + (await writeManifest(site, next, etag)) };
}

/**
 * Puts these statements into the index as they are stored now. Redelivered or older events change nothing;
 * a statement that is no longer to be indexed (load gives undefined) is taken out.
 */
export async function indexChanges(site: ObjectStore, locks: Locks, ids: string[], source: IndexSource): Promise<IndexUpdate> {
  return locks.withLock(INDEX_LOCK, async () => {
    const current = await site.read(MANIFEST_KEY);
    const manifest = current ? (JSON.parse(Buffer.from(current.body).toString('utf8')) as Manifest) : emptyManifest();
    const wanted = [...new Set(ids)];
    const docs = await source.load(wanted);
    const inBase = await baseEntries(site, manifest.base, wanted);
    const inDelta = new Map(manifest.deltaIds.map((entry) => [entry.split('@')[0] as string, Number(entry.split('@')[1])]));
    // What the index holds already (same version, in the delta or in the base and not replaced).
    const superseded = new Set(manifest.superseded);
    const settled = wanted.every((id, i) => {
      const doc = docs[i];
      const base = inBase.get(id);
      const baseLive = base !== undefined && !superseded.has(base[0]);
      if (!doc) return !inDelta.has(id) && !baseLive;
      return inDelta.get(id) === doc.version || (!inDelta.has(id) && baseLive && base?.[1] === doc.version);
    });
    if (settled) return { action: 'unchanged', bytes: 0 };

    const deltaIds = [...inDelta.keys()];
    for (const id of wanted) if (!inDelta.has(id)) deltaIds.push(id);
    if (deltaIds.length > compactAt(manifest.base?.docs ?? 0)) return compact(site, manifest, current?.etag, source.all());

    // The delta again, from what is stored now: the statements already in it and these.
    const loaded = new Map(wanted.map((id, i) => [id, docs[i]]));
    const others = deltaIds.filter((id) => !loaded.has(id));
    (await source.load(others)).forEach((doc, i) => void loaded.set(others[i] as string, doc));
    const builder = new SegmentBuilder(indexStemmerFor, manifest.avgLength || undefined);
    const kept: string[] = [];
    for (const id of deltaIds) {
      const doc = loaded.get(id);
      if (!doc) continue;
      builder.add(doc);
      kept.push(`${id}@${doc.version}`);
    }
    // Every base document of a statement in (or taken out through) the delta is replaced.
    const replaced = new Set(manifest.superseded);
    for (const [doc] of (await baseEntries(site, manifest.base, deltaIds)).values()) replaced.add(doc);
    const written = builder.size ? await writeSegment(site, builder) : undefined;
    const now = new Date();
    const next: Manifest = {
      format: FORMAT,
      generation: manifest.generation + 1,
      avgLength: manifest.avgLength,
      ...(manifest.base ? { base: manifest.base } : {}),
      ...(written ? { delta: written.info, deltaFacets: builder.facetsFile() } : {}),
      superseded: [...replaced].sort((a, b) => a - b),
      deltaIds: kept,
      retired: await collect(
        site,
        retire(manifest, [manifest.delta?.id], now.toISOString()),
        [manifest.base?.id, written?.info.id],
        now.getTime(),
      ),
    };
    return { action: 'delta', bytes: (written?.bytes ?? 0) + (await writeManifest(site, next, current?.etag)) };
  });
}
