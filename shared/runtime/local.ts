// The embedded runtime: reads the environment once and builds the SQLite and file adapters under DATA_DIR.
import path from 'node:path';
import * as z from 'zod';
import { SqlitePartyRepository, SqlitePressKeyRepository, SqliteStatementRepository } from '../adapters/local/catalog.js';
import { FileMailer } from '../adapters/local/file-mailer.js';
import { FileObjectStore } from '../adapters/local/file-store.js';
import { SignedFormUploads, uploadSigningSecret } from '../adapters/local/form-uploads.js';
import { ProcessLocks } from '../adapters/local/process-locks.js';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings, SqliteQueues } from '../adapters/local/queues.js';
import { type Db, openCounters, openDatabase } from '../adapters/local/sqlite.js';
import { SqliteAttachmentRepository } from '../adapters/local/sqlite-attachments.js';
import { SqliteAuditLog } from '../adapters/local/sqlite-audit.js';
import {
  SqliteEmailJobQueue,
  SqliteEmailStats,
  SqliteMailingRepository,
  SqliteSendLedger,
  SqliteSubscriberRepository,
} from '../adapters/local/sqlite-email.js';
import { SqliteListingRepository } from '../adapters/local/sqlite-listings.js';
import { SqliteRateLimiter } from '../adapters/local/sqlite-rate-limiter.js';
import { LocalEmbargoTimer, SqliteScheduledStatements } from '../adapters/local/sqlite-scheduled.js';
import { SqliteDeskSessions } from '../adapters/local/sqlite-sessions.js';
import { CONSUMERS } from '../domain/events.js';
import type { Platform } from '../platform.js';
import { type Clock, systemClock } from '../ports.js';

const LocalEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  SITE_URL: z.url().optional(),
  MAIL_FROM: z.string().default('Communiqué <statements@localhost>'),
  QUEUE_VISIBILITY_MS: z.coerce.number().int().positive().default(DEFAULT_QUEUE_SETTINGS.visibilityTimeoutMs),
  QUEUE_MAX_ATTEMPTS: z.coerce.number().int().positive().default(DEFAULT_QUEUE_SETTINGS.maxAttempts),
  QUEUE_BACKOFF_MS: z.coerce.number().int().positive().default(DEFAULT_QUEUE_SETTINGS.backoffBaseMs),
  DEMO_DATA: z.enum(['on', 'off']).default('on'),
  /** Messages each consumer handles at once (Lambda runs a batch's records in parallel, too). */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Requests a minute the API takes per press key, and per client address on its public routes. */
  RATE_LIMIT_PER_KEY: z.coerce.number().int().positive().optional(),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().optional(),
});
export type LocalSettings = z.infer<typeof LocalEnv> & { dataDir: string; siteUrl: string; queue: QueueSettings };

export function readLocalSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const parsed = LocalEnv.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Environment variable ${first?.path.join('.')}: ${first?.message}. Fix it or unset it to use the default.`);
  }
  const e = parsed.data;
  return {
    ...e,
    dataDir: path.resolve(e.DATA_DIR),
    siteUrl: (e.SITE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    queue: {
      ...DEFAULT_QUEUE_SETTINGS,
      visibilityTimeoutMs: e.QUEUE_VISIBILITY_MS,
      maxAttempts: e.QUEUE_MAX_ATTEMPTS,
      backoffBaseMs: e.QUEUE_BACKOFF_MS,
    },
  };
}

export interface LocalPlatform extends Platform {
  db: Db;
  queues: SqliteQueues;
  ledger: SqliteSendLedger;
  mailings: SqliteMailingRepository;
  /** With what the housekeeping timer prunes: uploads never completed (runtime/email-schedule.ts). */
  attachments: SqliteAttachmentRepository;
  /** In-process: the worker's embargo clock subscribes to it. */
  embargoTimer: LocalEmbargoTimer;
  siteDir: string;
  outboxDir: string;
}

export function localDeps(
  settings: Pick<LocalSettings, 'dataDir' | 'siteUrl' | 'MAIL_FROM' | 'queue'> &
    Partial<Pick<LocalSettings, 'RATE_LIMIT_PER_KEY' | 'RATE_LIMIT_PER_ADDRESS'>>,
  clock: Clock = systemClock,
): LocalPlatform {
  const db = openDatabase(settings.dataDir);
  const siteDir = path.join(settings.dataDir, 'site');
  const outboxDir = path.join(settings.dataDir, 'outbox');
  const queues = new SqliteQueues(db, CONSUMERS, settings.queue);
  return {
    config: {
      siteUrl: settings.siteUrl,
      mailFrom: settings.MAIL_FROM,
      rateLimitsPerMinute: { pressKey: settings.RATE_LIMIT_PER_KEY, client: settings.RATE_LIMIT_PER_ADDRESS },
      // Files, not SES: larger jobs spend fewer commits per message.
      recipientsPerJob: 250,
    },
    clock,
    parties: new SqlitePartyRepository(db),
    keys: new SqlitePressKeyRepository(db),
    statements: new SqliteStatementRepository(db),
    listings: new SqliteListingRepository(db),
    subscribers: new SqliteSubscriberRepository(db),
    ledger: new SqliteSendLedger(db),
    mailings: new SqliteMailingRepository(db),
    emailJobs: new SqliteEmailJobQueue(queues),
    emailStats: new SqliteEmailStats(db),
    blobs: new FileObjectStore(path.join(settings.dataDir, 'blobs')),
    site: new FileObjectStore(siteDir),
    locks: new ProcessLocks(),
    mailer: new FileMailer(outboxDir),
    rateLimiter: new SqliteRateLimiter(openCounters(), clock),
    // --- attachments ---
    attachments: new SqliteAttachmentRepository(db),
    uploads: new SignedFormUploads(uploadSigningSecret(settings.dataDir), settings.siteUrl),
    // --- end attachments ---
    audit: new SqliteAuditLog(db),
    sessions: new SqliteDeskSessions(db),
    // --- scheduled statements ---
    scheduled: new SqliteScheduledStatements(db),
    embargoTimer: new LocalEmbargoTimer(),
    // --- end scheduled statements ---
    db,
    queues,
    siteDir,
    outboxDir,
  };
}
