// Lambda entry of publish-scheduled: an embargo's one-time schedule ({ statementId, party }, fired up to two
// minutes early) waits for its time and publishes it; the per-minute backstop ({ due: true }) publishes all
// that fall due before its next run, each on time.
import * as z from '../../shared/domain/schema.js';
import { awsBuckets, awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { publishDue, publishWhenDue } from '../../shared/services/publish-scheduled.js';

/** The longest an invocation waits for a statement's time: past the early fire of its schedule (fireTimeOf). */
export const MAX_WAIT_MS = 150_000;
/** The backstop runs each minute, anywhere within it: looking two minutes ahead leaves no statement between two runs. */
export const BACKSTOP_LOOKAHEAD_MS = 120_000;

const Invocation = z.union([
  z.object({ statementId: z.string().check(z.minLength(1)), party: z.string().check(z.minLength(1)) }),
  z.object({ due: z.literal(true) }),
]);

const settings = readAwsSettings();
// The table and the content bucket: it publishes as the API does (blob, then the row; the stream relays).
const platform = { ...awsTable(settings), ...awsBuckets(settings) };

export const handler = async (event: unknown) => {
  const invocation = Invocation.parse(event);
  if ('statementId' in invocation) {
    return { outcome: await publishWhenDue(platform, { id: invocation.statementId, party: invocation.party }, MAX_WAIT_MS) };
  }
  return { outcomes: await publishDue(platform, { lookaheadMs: BACKSTOP_LOOKAHEAD_MS }) };
};
