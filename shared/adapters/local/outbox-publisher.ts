// EventPublisher for the embedded platform: events go into the outbox, which the running worker relays to
// every consumer queue (or the next `npm start` does, if none is running).
import { StatementEvent } from '../../domain/events.js';
import type { EventPublisher } from '../../ports.js';
import type { Db } from './sqlite.js';

export class OutboxPublisher implements EventPublisher {
  constructor(private readonly db: Db) {}

  async publish(event: StatementEvent): Promise<void> {
    const parsed = StatementEvent.parse(event);
    this.db.prepare('INSERT INTO outbox (event, created_at) VALUES (?, ?)').run(JSON.stringify(parsed), new Date().toISOString());
  }
}
