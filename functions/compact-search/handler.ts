// Lambda entry of compact-search, run on a schedule: merges the search index's delta into a new base once
// the delta has grown past compactAt() (index-search consumers never do: it reads the whole archive, far
// beyond a consumer's timeout). Publishes go on meanwhile; the index's lock is held only for the switch.
import { Logger } from '@aws-lambda-powertools/logger';
import { compactSearchIndex } from '../../shared/consumers/index-search.js';
import { awsBuckets, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { compactionDue, loadManifest } from '../../shared/search/indexer.js';

const settings = readAwsSettings();
const platform = { ...awsTable(settings), ...awsBuckets(settings) };
const logger = new Logger({ serviceName: 'communique' });

export async function handler(): Promise<{ compacted: boolean; deltaStatements: number }> {
  const manifest = await loadManifest(platform.site);
  const deltaStatements = manifest.delta?.docs ?? 0;
  if (!compactionDue(manifest)) return { compacted: false, deltaStatements };
  const started = Date.now();
  const update = await compactSearchIndex(platform);
  // 'unchanged': another run switched to a newer base first, and this one stood down.
  const compacted = update.action === 'compacted';
  logger.info(compacted ? 'search index compacted' : 'search index compaction stood down for a newer one', {
    deltaStatements,
    bytes: update.bytes,
    ms: Date.now() - started,
  });
  return { compacted, deltaStatements };
}
