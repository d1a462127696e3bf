// The dependencies every entry point is built from: one set per runtime (runtime/local.ts, runtime/aws.ts).
import type {
  AttachmentRepository,
  AuditLog,
  Clock,
  DeskSessions,
  EmailJobQueue,
  EmailStats,
  EmbargoTimer,
  ListingRepository,
  Locks,
  Mailer,
  MailingRepository,
  ObjectStore,
  PartyRepository,
  PressKeyRepository,
  RateLimiter,
  ScheduledStatements,
  SendLedger,
  StatementRepository,
  SubscriberRepository,
  UploadTargets,
} from './ports.js';

export interface PlatformConfig {
  /** Public origin of the site and API, e.g. http://localhost:3000 (no trailing slash). */
  siteUrl: string;
  /** From: address of subscription emails. */
  mailFrom: string;
  /** When set, the API answers 403 to requests whose x-origin-verify header is not this (AWS: CloudFront adds it). */
  originSecret?: string;
  /** Requests a minute the API takes per press key and per client address (defaults in functions/api/rate-limit.ts). */
  rateLimitsPerMinute?: { pressKey?: number; client?: number };
  /** Messages a second each sending process hands to the mailer at most (SES: the account's rate over the senders). */
  mailRatePerSecond?: number;
  /** Recipients per send job (default RECIPIENTS_PER_JOB, at most MAX_RECIPIENTS_PER_JOB). */
  recipientsPerJob?: number;
}

export interface Platform {
  config: PlatformConfig;
  clock: Clock;
  parties: PartyRepository;
  keys: PressKeyRepository;
  statements: StatementRepository;
  /** The site's listings: each statement numbered in each listing it belongs to. */
  listings: ListingRepository;
  subscribers: SubscriberRepository;
  ledger: SendLedger;
  /** Fan-outs in progress: where each mailing's walk over the subscribers stands. */
  mailings: MailingRepository;
  /** Send jobs and the planner's continuations. */
  emailJobs: EmailJobQueue;
  emailStats: EmailStats;
  /** Canonical statements (blobs). */
  blobs: ObjectStore;
  /** The published static site. */
  site: ObjectStore;
  /** Serialises read-modify-writes of shared site files (listing pages, search shards). */
  locks: Locks;
  mailer: Mailer;
  /** Request counts per press key and per client address, for the API's rate limits. */
  rateLimiter: RateLimiter;
  // --- attachments ---
  /** Uploaded files and whether their content was checked and published. */
  attachments: AttachmentRepository;
  /** Where offices upload files directly: S3 presigned POSTs on AWS, the platform's own form endpoint locally. */
  uploads: UploadTargets;
  // --- end attachments ---
  // --- scheduled statements (embargoes) ---
  /** Statements under embargo, apart from the published ones until their time. */
  scheduled: ScheduledStatements;
  /** Wakes the publisher at each embargo's end (EventBridge Scheduler on AWS; the local worker's timer). */
  embargoTimer: EmbargoTimer;
  // --- end scheduled statements ---
  /** What each press office did through the API and the desk, for GET /v1/audit. */
  audit: AuditLog;
  /** Signed-in sessions of the web desk (/desk/). */
  sessions: DeskSessions;
}
