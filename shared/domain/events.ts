// The thin event every consumer receives: consumers read the statement from the store.
import { z } from 'zod';

export const StatementEvent = z.object({
  type: z.literal('statement.published'),
  statementId: z.string().min(1),
  version: z.number().int().positive(),
  party: z.string().min(1),
  occurredAt: z.string(),
});
export type StatementEvent = z.infer<typeof StatementEvent>;

export const CONSUMERS = ['render-pages', 'index-search', 'send-emails'] as const;
export type ConsumerName = (typeof CONSUMERS)[number];
