// The consumers by name: each takes one event and is safe to run again with the same event.

import { EMAIL_JOBS_QUEUE, EMAIL_NOTICES_QUEUE } from '../adapters/local/sqlite-email.js';
import type { ConsumerName, StatementEvent } from '../domain/events.js';
import type { Platform } from '../platform.js';
import { handleEmailJob } from './email-jobs.js';
import { indexSearch, indexSearchOf } from './index-search.js';
import { renderPages, renderPagesOf } from './render-pages.js';
import { sendEmails } from './send-emails.js';

export type EventHandler = (event: StatementEvent) => Promise<unknown>;
export type BatchHandler = (events: StatementEvent[]) => Promise<unknown>;

export function consumerHandlers(p: Platform): Record<ConsumerName, EventHandler> {
  return {
    'render-pages': (e) => renderPages(p, e),
    'index-search': (e) => indexSearch(p, e),
    'send-emails': (e) => sendEmails(p, e),
  };
}

/**
 * Consumers that do a backlog's work better together than one event at a time: the pages and the index
 * shards that several statements share are built once for all of them (`size`: events per call at most).
 */
export function consumerBatches(p: Platform): Partial<Record<ConsumerName, { size: number; handler: BatchHandler }>> {
  return {
    'render-pages': { size: 500, handler: (events) => renderPagesOf(p, events) },
    'index-search': { size: 200, handler: (events) => indexSearchOf(p, events) },
  };
}

/**
 * The embedded platform's queues of email jobs (SQS on AWS): the planner's continuations and the send jobs,
 * and the subscribe requests apart, so that a confirmation never waits behind a mailing.
 */
export function emailJobQueues(
  p: Platform,
  concurrency: number,
): Record<string, { concurrency: number; handler: (job: unknown) => Promise<unknown> }> {
  const handler = (job: unknown) => handleEmailJob(p, job);
  return { [EMAIL_JOBS_QUEUE]: { concurrency, handler }, [EMAIL_NOTICES_QUEUE]: { concurrency: 2, handler } };
}
