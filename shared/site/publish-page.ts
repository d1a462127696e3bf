// Writes one shared site page safely under any concurrency: under the page's lock, read it with its
// entity tag, build the new page, refuse to go back in time, and put it only if it is still unchanged.
import { setTimeout as sleep } from 'node:timers/promises';
import { PreconditionFailedError, StaleReadError } from '../errors.js';
import type { Platform } from '../platform.js';
import { covers, includes, type PageContents, parseContents } from './page-contents.js';

export interface BuiltPage {
  html: string;
  /**
   * Nothing to publish: a listing page whose numbers are all gaps (a DynamoDB write that died before its
   * commit). A publish never asks for one; a rebuild skips it the same way.
   */
  empty?: true;
  /** The page's stamp; pages without one (e.g. the parties index) are rewritten whenever they differ. */
  contents?: PageContents;
  /** The keys of the statements whose events asked for this page: they must be on it. */
  mustInclude?: string | string[];
  /**
   * Files made from the same read as the page (its feeds): written under the page's lock once the page is
   * current, so they move forward with it.
   */
  companions?: Array<{ key: string; body: string; contentType: string }>;
}

const ATTEMPTS = 7;

/** Rewrites `key`; resolves to whether the page changed. Throws StaleReadError if the store keeps lagging. */
/** What kind of file: HTML pages carry their stamp in a meta tag, XML files (sitemaps) in a comment. */
export interface FileFormat {
  contentType: string;
  parse: (text: string) => PageContents | undefined;
}

const HTML_PAGE: FileFormat = { contentType: 'text/html; charset=utf-8', parse: parseContents };

/** Builds the page; it is given the stamp of the page as published (a file that extends itself reads it). */
export type PageBuilder = (published?: PageContents) => Promise<BuiltPage>;

export async function publishPage(
  p: Pick<Platform, 'site' | 'locks'>,
  key: string,
  build: PageBuilder,
  format: FileFormat = HTML_PAGE,
): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Waits happen outside the lock: other renders of the page go on meanwhile.
    if (attempt) await sleep(50 * 2 ** attempt * (0.5 + Math.random()));
    const outcome = await p.locks.withLock(`site:${key}`, () => attemptPublish(p, key, build, format));
    if (outcome !== 'retry') return outcome === 'written';
  }
  throw new StaleReadError(`${key}: the statements read are older than the page already published; retrying later`);
}

/** One read-build-put under the page's lock: 'retry' when the read was stale or the put lost a race. */
async function attemptPublish(
  p: Pick<Platform, 'site'>,
  key: string,
  build: PageBuilder,
  format: FileFormat,
): Promise<'written' | 'unchanged' | 'retry'> {
  const current = await p.site.read(key);
  const published = current ? format.parse(Buffer.from(current.body).toString('utf8')) : undefined;
  const page = await build(published);
  if (page.empty) return 'unchanged';
  if (page.contents && published && !covers(page.contents, published)) return 'retry';
  const required = page.mustInclude === undefined ? [] : [page.mustInclude].flat();
  if (page.contents && required.some((key) => !includes(page.contents as PageContents, key))) return 'retry';
  let outcome: 'written' | 'unchanged' = 'unchanged';
  if (!current || !Buffer.from(current.body).equals(Buffer.from(page.html, 'utf8'))) {
    try {
      await p.site.put(key, page.html, format.contentType, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      outcome = 'written';
    } catch (e) {
      if (e instanceof PreconditionFailedError) return 'retry';
      throw e;
    }
  }
  for (const file of page.companions ?? []) {
    const before = await p.site.get(file.key);
    if (before && Buffer.from(before).equals(Buffer.from(file.body, 'utf8'))) continue;
    await p.site.put(file.key, file.body, file.contentType);
    outcome = 'written';
  }
  return outcome;
}
