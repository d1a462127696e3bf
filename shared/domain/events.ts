// The thin event every consumer receives: consumers read the statement from the store.
import * as z from './schema.js';

/**
 * published: a new statement; signed: a cosigner signed it (`party` is the signer), a new version;
 * imported: a statement of an existing archive, rendered and indexed but never mailed;
 * rebuild: render and index the statement again (a rebuild fanned out on AWS), never mailed;
 * corrected: a new text (mailed again only when the office asked); retracted: withdrawn, never mailed;
 * translated: a translation of it was published (its pages now link it), never mailed.
 */
export const StatementEvent = z.object({
  type: z.enum([
    'statement.published',
    'statement.signed',
    'statement.imported',
    'statement.rebuild',
    'statement.corrected',
    'statement.retracted',
    'statement.translated',
  ]),
  statementId: z.string().check(z.minLength(1)),
  version: z.int().check(z.positive()),
  party: z.string().check(z.minLength(1)),
  occurredAt: z.string(),
});
export type StatementEvent = z.infer<typeof StatementEvent>;

export const CONSUMERS = ['render-pages', 'index-search', 'send-emails'] as const;
export type ConsumerName = (typeof CONSUMERS)[number];
