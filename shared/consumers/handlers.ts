// The consumers by name: each takes one event and is safe to run again with the same event.
import type { ConsumerName, StatementEvent } from '../domain/events.js';
import type { Platform } from '../platform.js';
import { indexSearch } from './index-search.js';
import { renderPages } from './render-pages.js';
import { sendEmails } from './send-emails.js';

export type EventHandler = (event: StatementEvent) => Promise<unknown>;

export function consumerHandlers(p: Platform): Record<ConsumerName, EventHandler> {
  return {
    'render-pages': (e) => renderPages(p, e),
    'index-search': (e) => indexSearch(p, e),
    'send-emails': (e) => sendEmails(p, e),
  };
}
