// Keeps the search index up to date: a compacted base segment, one small delta segment with the statements
// published (or changed) since, and the manifest that names them. A publish rebuilds only the delta (at
// most compactAt() statements, a few percent of the index) and writes a new manifest; when the delta
// outgrows that, the statements are compacted into a new base, walking them in publication order exactly
// as a rebuild does, so both write the same bytes. Writers take the index's lock, and the manifest is
// written only if it is still the one read (a writer whose lease expired cannot overwrite a newer one).
// Retired segments are removed a few minutes after they were retired (a query that loaded the older
// manifest has finished by then), once the manifest that retires them is written.
import { inParallel } from '../concurrency/in-parallel.js';
import type { Locks, ObjectStore } from '../ports.js';
import {
  FORMAT,
  fileOf,
  type IdsEntry,
  idsKey,
  MANIFEST_KEY,
  type Manifest,
  ROOT,
  type SegmentHeader,
  type SegmentInfo,
} from './format.js';
import { type IndexDoc, SegmentBuilder } from './segment-builder.js';
import { indexStemmerFor } from './stemmers.js';

export const INDEX_LOCK = 'site:search-index';
const RETIRED_FOR_MS = 2 * 60 * 1000;
/** Retired segments the manifest lists at most (every reader fetches it): beyond, the oldest go at once. */
const RETIRED_KEPT = 20;
/** No retired segment goes sooner than this, whatever the cap. */
const RETIRED_MIN_MS = 60 * 1000;
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
  /** The delta has grown past compactAt(): time to merge it into a new base (compactIndex). */
  compactDue?: boolean;
}

/**
 * Whether the delta (or the base documents it replaced or took out, which every reader downloads in the
 * manifest) has outgrown compactAt().
 */
export function compactionDue(manifest: Manifest): boolean {
  const limit = compactAt(manifest.base?.docs ?? 0);
  return (manifest.delta?.docs ?? 0) > limit || manifest.superseded.length > limit;
}

/** The delta's largest size before it is merged into the base: 2% of the base, at least 20 and at most 100 statements. */
export function compactAt(baseDocs: number): number {
  return Math.min(100, Math.max(20, Math.floor(baseDocs * 0.02)));
}

function emptyManifest(): Manifest {
  return { format: FORMAT, generation: 0, avgLength: 0, superseded: [], supersededFacets: [], retired: [] };
}

async function readJson<T>(site: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await site.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined;
}

/** The base's [document number, version, facet values] of each statement id, reading one ids file per id. */
async function baseEntries(
  site: ObjectStore,
  base: SegmentInfo | undefined,
  ids: string[],
): Promise<Map<string, [number, number, string]>> {
  const found = new Map<string, [number, number, string]>();
  if (!base || ids.length === 0) return found;
  // The ids files are sorted ranges of ids, found as terms files are: by their first entries.
  const firsts = (await readJson<string[]>(site, idsKey(base.id))) ?? [];
  const byFile = new Map<number, string[]>();
  for (const id of ids) {
    const n = fileOf(firsts, id);
    byFile.set(n, [...(byFile.get(n) ?? []), id]);
  }
  await inParallel(byFile, WRITES_AT_ONCE, async ([n, wanted]) => {
    const entries = (await readJson<IdsEntry[]>(site, idsKey(base.id, n))) ?? [];
    const set = new Set(wanted);
    for (const [id, doc, version, facets] of entries) if (set.has(id)) found.set(id, [doc, version, facets]);
  });
  return found;
}

async function writeSegment(
  site: ObjectStore,
  builder: SegmentBuilder,
): Promise<{ info: SegmentInfo; header: SegmentHeader; bytes: number; files: number }> {
  const { info, header, files } = builder.finish();
  let bytes = 0;
  let count = 0;
  await inParallel(files, WRITES_AT_ONCE, async (file) => {
    bytes += Buffer.byteLength(file.body);
    count++;
    await site.put(file.key, file.body, 'application/json');
  });
  return { info, header, bytes, files: count };
}

/** A builder for a base segment: fed every statement in publication order (a rebuild and a compaction alike). */
export function baseBuilder(): SegmentBuilder {
  return new SegmentBuilder(indexStemmerFor);
}

/**
 * The segments to list as retired (`kept`: the newly retired ones, then the recent ones, never one in use)
 * and those to remove once the manifest that drops them is written (`expired`).
 */
function retirement(
  manifest: Manifest,
  newlyRetired: Array<string | undefined>,
  live: Array<string | undefined>,
  now: Date,
): { kept: Manifest['retired']; expired: string[] } {
  const at = now.toISOString();
  const all = [
    ...newlyRetired.filter((id): id is string => id !== undefined && !live.includes(id)).map((id) => ({ id, at })),
    ...manifest.retired.filter((r) => !live.includes(r.id) && !newlyRetired.includes(r.id)),
  ];
  // Beyond the cap, only what is older than a minute goes early: a reader's query is long over by then.
  const age = (r: { at: string }) => now.getTime() - Date.parse(r.at);
  const kept = all.filter((r, i) => age(r) < RETIRED_MIN_MS || (i < RETIRED_KEPT && age(r) < RETIRED_FOR_MS));
  return { kept, expired: all.filter((r) => !kept.includes(r)).map((r) => r.id) };
}

async function removeSegments(site: ObjectStore, ids: string[]): Promise<void> {
  for (const id of ids) await site.delete(await site.list(`${ROOT}/${id}/`));
}

async function writeManifest(site: ObjectStore, next: Manifest, etag: string | undefined): Promise<number> {
  const body = JSON.stringify(next);
  await site.put(MANIFEST_KEY, body, 'application/json', etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
  return Buffer.byteLength(body);
}

/** The base a delta is composed over: its segment, length norm, entries by statement id, replaced documents. */
interface BaseView {
  info?: SegmentInfo;
  avgLength: number;
  entries: (ids: string[]) => Promise<Map<string, [number, number, string]>>;
  superseded: Map<number, string>;
}

function readManifest(current: { body: Uint8Array } | undefined): Manifest {
  return current ? (JSON.parse(Buffer.from(current.body).toString('utf8')) as Manifest) : emptyManifest();
}

/** The index's manifest as it is now (empty before anything was indexed), read without the lock. */
export async function loadManifest(site: ObjectStore): Promise<Manifest> {
  return readManifest(await site.read(MANIFEST_KEY));
}

/** The delta's statements (id -> version), in its document order: from its ids files (it is small). */
async function deltaVersions(site: ObjectStore, manifest: Manifest): Promise<Map<string, number>> {
  const delta = manifest.delta;
  if (!delta) return new Map();
  const required = async <T>(key: string): Promise<T> => {
    const body = await readJson<T>(site, key);
    if (body === undefined) throw new Error(`the search index's delta lacks ${key}: run \`rebuild\` to write the index again`);
    return body;
  };
  const firsts = await required<string[]>(idsKey(delta.id));
  const entries: IdsEntry[] = [];
  for (let n = 0; n < firsts.length; n++) entries.push(...(await required<IdsEntry[]>(idsKey(delta.id, n))));
  entries.sort((a, b) => a[1] - b[1]);
  return new Map(entries.map(([id, , version]) => [id, version]));
}

/**
 * The next manifest: `base` with a delta of these statements as stored now (`loaded` has some already),
 * and the segments no longer in use retired.
 */
async function composeDelta(
  site: ObjectStore,
  manifest: Manifest,
  base: BaseView,
  deltaIds: string[],
  loaded: Map<string, IndexDoc | undefined>,
  source: IndexSource,
): Promise<{ next: Manifest; bytes: number; expired: string[] }> {
  const others = deltaIds.filter((id) => !loaded.has(id));
  (await source.load(others)).forEach((doc, i) => void loaded.set(others[i] as string, doc));
  const builder = new SegmentBuilder(indexStemmerFor, base.avgLength || undefined);
  for (const id of deltaIds) {
    const doc = loaded.get(id);
    if (doc) builder.add(doc);
  }
  // Every base document of a statement in (or taken out through) the delta is replaced.
  const replaced = new Map(base.superseded);
  for (const [doc, , facets] of (await base.entries(deltaIds)).values()) replaced.set(doc, facets);
  const inOrder = [...replaced].sort((a, b) => a[0] - b[0]);
  const written = builder.size ? await writeSegment(site, builder) : undefined;
  const live = [base.info?.id, written?.info.id];
  const { kept, expired } = retirement(manifest, [manifest.base?.id, manifest.delta?.id], live, new Date());
  const next: Manifest = {
    format: FORMAT,
    generation: manifest.generation + 1,
    avgLength: base.avgLength,
    ...(base.info ? { base: base.info } : {}),
    ...(written ? { delta: { ...written.info, header: written.header, facets: builder.facetColumns() } } : {}),
    superseded: inOrder.map(([doc]) => doc),
    supersededFacets: inOrder.map(([, facets]) => facets),
    retired: kept,
  };
  return { next, bytes: written?.bytes ?? 0, expired };
}

/**
 * Installs a base segment built from every statement in publication order (by a rebuild, which fed the
 * builder as it walked the statements for their pages, or by compactIndex). The build and its files need
 * no lock (they are new and immutable); only the switch does. Statements the delta holds at another
 * version than the new base (published or changed while it was being built) stay in a delta over it.
 */
export async function installBase(
  site: ObjectStore,
  locks: Locks,
  builder: SegmentBuilder,
  source: IndexSource,
  /** The base the index had when the walk began: if another compaction switched since, this one stands down. */
  startedOn: string | undefined,
): Promise<IndexUpdate> {
  const { info, bytes, files } = await writeSegment(site, builder);
  const entries = builder.entries();
  return locks.withLock(INDEX_LOCK, async () => {
    const current = await site.read(MANIFEST_KEY);
    const manifest = readManifest(current);
    if (manifest.base?.id !== startedOn) {
      // A compaction that began later has switched already (its base holds at least as much, and what
      // was published after it is in its delta): this older one must not replace it. Its segment is
      // listed as retired (removed later, unless another run switches to the same segment meanwhile).
      const { kept, expired } = retirement(manifest, [info.id], [manifest.base?.id, manifest.delta?.id], new Date());
      const manifestBytes = await writeManifest(site, { ...manifest, generation: manifest.generation + 1, retired: kept }, current?.etag);
      await removeSegments(site, expired);
      return { action: 'unchanged', bytes: bytes + manifestBytes };
    }
    // The files were written without the lock: one removed meanwhile (a segment of the same name retired
    // and collected) is written again before the switch.
    if ((await site.list(`${ROOT}/${info.id}/`)).length !== files) await writeSegment(site, builder);
    const residual = [...(await deltaVersions(site, manifest))]
      .filter(([id, version]) => entries.get(id)?.[1] !== version)
      .map(([id]) => id);
    const base: BaseView = {
      info,
      avgLength: info.docs ? info.length / info.docs : 0,
      entries: async (ids) =>
        new Map(ids.flatMap((id) => (entries.has(id) ? [[id, entries.get(id) as [number, number, string]] as const] : []))),
      superseded: new Map(),
    };
    const { next, bytes: deltaBytes, expired } = await composeDelta(site, manifest, base, residual, new Map(), source);
    const manifestBytes = await writeManifest(site, next, current?.etag);
    await removeSegments(site, expired);
    return { action: 'compacted', bytes: bytes + deltaBytes + manifestBytes };
  });
}

/**
 * Merges the delta into a new base built from every statement. It takes as long as reading the archive;
 * publishes go on meanwhile (the index's lock is held only to switch to the new base).
 */
export async function compactIndex(site: ObjectStore, locks: Locks, source: IndexSource): Promise<IndexUpdate> {
  const startedOn = await currentBase(site);
  const builder = baseBuilder();
  for await (const chunk of source.all()) for (const doc of chunk) builder.add(doc);
  return installBase(site, locks, builder, source, startedOn);
}

/** The base segment the index has now (read without the lock: a compaction notes where it began). */
export async function currentBase(site: ObjectStore): Promise<string | undefined> {
  return (await loadManifest(site)).base?.id;
}

/**
 * Puts these statements into the index as they are stored now, in the delta. Redelivered or older events
 * change nothing; a statement that is no longer to be indexed (load gives undefined) is taken out. The
 * delta is never merged here (that reads the whole archive): `compactDue` says it has grown enough for
 * compactIndex to run (the local worker runs it next; on AWS a scheduled function does).
 */
export async function indexChanges(site: ObjectStore, locks: Locks, ids: string[], source: IndexSource): Promise<IndexUpdate> {
  return locks.withLock(INDEX_LOCK, async () => {
    const current = await site.read(MANIFEST_KEY);
    const manifest = readManifest(current);
    const wanted = [...new Set(ids)];
    const docs = await source.load(wanted);
    const inBase = await baseEntries(site, manifest.base, wanted);
    const inDelta = await deltaVersions(site, manifest);
    // What the index holds already (same version, in the delta or in the base and not replaced).
    const superseded = new Set(manifest.superseded);
    const isSettled = (id: string, i: number) => {
      const doc = docs[i];
      const base = inBase.get(id);
      const baseLive = base !== undefined && !superseded.has(base[0]);
      if (!doc) return !inDelta.has(id) && !baseLive;
      return inDelta.get(id) === doc.version || (!inDelta.has(id) && baseLive && base?.[1] === doc.version);
    };
    const settled = wanted.every(isSettled);
    if (settled) return { action: 'unchanged', bytes: 0, compactDue: compactionDue(manifest) };

    // Only what is not settled joins the delta (a redelivery mixed into the batch adds nothing).
    const deltaIds = [...inDelta.keys()];
    wanted.forEach((id, i) => {
      if (!inDelta.has(id) && !isSettled(id, i)) deltaIds.push(id);
    });
    const base: BaseView = {
      ...(manifest.base ? { info: manifest.base } : {}),
      avgLength: manifest.avgLength,
      entries: (ids) => baseEntries(site, manifest.base, ids),
      superseded: new Map(manifest.superseded.map((doc, i) => [doc, manifest.supersededFacets[i] ?? ''])),
    };
    const loaded = new Map(wanted.map((id, i) => [id, docs[i]]));
    const { next, bytes, expired } = await composeDelta(site, manifest, base, deltaIds, loaded, source);
    const manifestBytes = await writeManifest(site, next, current?.etag);
    await removeSegments(site, expired);
    return { action: 'delta', bytes: bytes + manifestBytes, compactDue: compactionDue(next) };
  });
}
