// The AWS runtime: reads the Lambda environment once and builds the DynamoDB, S3 and SES adapters, each
// function only those it uses (awsTable, awsBuckets, awsMailer), so that its bundle holds no other client.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAttachmentRepository } from '../adapters/aws/dynamo-attachments.js';
import { DynamoAuditLog } from '../adapters/aws/dynamo-audit.js';
import { DynamoPartyRepository, DynamoPressKeyRepository, type TableRef } from '../adapters/aws/dynamo-catalog.js';
import { DynamoEmailStats, DynamoMailingRepository, DynamoSendLedger, DynamoSubscriberRepository } from '../adapters/aws/dynamo-email.js';
import { DynamoListingRepository } from '../adapters/aws/dynamo-listings.js';
import { DynamoLocks } from '../adapters/aws/dynamo-locks.js';
import { DynamoRateLimiter } from '../adapters/aws/dynamo-rate-limiter.js';
import { backstopOnlyTimer, DynamoScheduledStatements } from '../adapters/aws/dynamo-scheduled.js';
import { DynamoDeskSessions } from '../adapters/aws/dynamo-sessions.js';
import { DynamoStatementRepository } from '../adapters/aws/dynamo-statements.js';
import { S3FormUploads } from '../adapters/aws/s3-form-uploads.js';
import { S3ObjectStore } from '../adapters/aws/s3-store.js';
import { SchedulerEmbargoTimer } from '../adapters/aws/scheduler-embargo-timer.js';
import { SesMailer } from '../adapters/aws/ses-mailer.js';
import { SqsEmailJobQueue } from '../adapters/aws/sqs-email-jobs.js';
import * as z from '../domain/schema.js';
import type { Platform } from '../platform.js';
import { type ObjectStore, systemClock } from '../ports.js';
import { IMMUTABLE_CACHE_CONTROL, isImmutableIndexFile } from '../search/format.js';

const NonEmpty = z.string().check(z.minLength(1));

const AwsEnv = z.object({
  TABLE_NAME: NonEmpty,
  CONTENT_BUCKET: NonEmpty,
  /** Functions that publish to the site: pages, the search index, the API (attachments, under files/). */
  SITE_BUCKET: z.optional(NonEmpty),
  SITE_URL: z._default(z.url(), 'https://localhost'),
  MAIL_FROM: z._default(z.string().check(z.minLength(3)), 'statements@localhost'),
  SES_CONFIGURATION_SET: z.optional(z.string()),
  /** The mailing planner, the senders and the digests: the queue of send jobs. */
  EMAIL_JOBS_QUEUE_URL: z.optional(z.url()),
  /** The API (subscribe requests) and email-jobs: the queue of notices, apart from the mailings. */
  EMAIL_NOTICES_QUEUE_URL: z.optional(z.url()),
  /** The senders: messages a second each instance hands to SES (the account's rate over the concurrent senders). */
  MAIL_RATE_PER_SECOND: z.optional(z.coerce.number().check(z.positive())),
  /** Only for S3-compatible servers that do not serve virtual-hosted buckets. */
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
  /** The API only: the value CloudFront sends as x-origin-verify; requests without it get 403. */
  ORIGIN_SECRET: z.optional(NonEmpty),
  /** The API only: requests a minute per press key and per client address. */
  RATE_LIMIT_PER_KEY: z.optional(z.coerce.number().check(z.int(), z.positive())),
  RATE_LIMIT_PER_ADDRESS: z.optional(z.coerce.number().check(z.int(), z.positive())),
  // --- scheduled statements ---
  /** The API only: where it creates each embargo's one-time schedule, the function it invokes, and the role to invoke it with. */
  EMBARGO_SCHEDULE_GROUP: z.optional(NonEmpty),
  EMBARGO_TARGET_ARN: z.optional(NonEmpty),
  EMBARGO_ROLE_ARN: z.optional(NonEmpty),
  // --- end scheduled statements ---
});
export type AwsSettings = z.infer<typeof AwsEnv>;

export function readAwsSettings(env: NodeJS.ProcessEnv = process.env): AwsSettings {
  const parsed = AwsEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Lambda environment is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export interface AwsClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  ses?: SESv2Client;
  sqs?: SQSClient;
  scheduler?: SchedulerClient;
}

export function tableRef(dynamo: DynamoDBClient, tableName: string): TableRef {
  return { client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), tableName };
}

/**
 * The one caching model (README, "Caching"): what changes in place (pages, feeds, sitemaps, search
 * index files) is revalidated by CloudFront and browsers on every request, so a publish needs no
 * invalidation; the stylesheet and scripts may be kept for five minutes.
 */
export function siteCacheControl(key: string): string {
  if (isImmutableIndexFile(key)) return IMMUTABLE_CACHE_CONTROL;
  return /\.(html|json|xml)$/.test(key) ? 'public, max-age=0, must-revalidate' : 'public, max-age=300';
}

/** Stands in for a store this function was not given: any use is a wiring bug, said plainly. */
function missingStore(variable: string): ObjectStore {
  const fail = async (): Promise<never> => {
    throw new Error(`this function has no ${variable}; give it one in infra/ if it needs the site store`);
  };
  return { put: fail, get: fail, read: fail, list: fail, delete: fail };
}

/** Configuration, clock and everything kept in the table (DynamoDB): every function has these. */
export function awsTable(
  settings: AwsSettings,
  dynamo: DynamoDBClient = new DynamoDBClient({}),
): Omit<Platform, 'blobs' | 'site' | 'mailer' | 'emailJobs' | 'uploads'> {
  const table = tableRef(dynamo, settings.TABLE_NAME);
  const statements = new DynamoStatementRepository(table);
  return {
    config: {
      siteUrl: settings.SITE_URL.replace(/\/+$/, ''),
      mailFrom: settings.MAIL_FROM,
      ...(settings.ORIGIN_SECRET ? { originSecret: settings.ORIGIN_SECRET } : {}),
      rateLimitsPerMinute: { pressKey: settings.RATE_LIMIT_PER_KEY, client: settings.RATE_LIMIT_PER_ADDRESS },
      ...(settings.MAIL_RATE_PER_SECOND ? { mailRatePerSecond: settings.MAIL_RATE_PER_SECOND } : {}),
    },
    clock: systemClock,
    parties: new DynamoPartyRepository(table),
    keys: new DynamoPressKeyRepository(table),
    statements,
    listings: new DynamoListingRepository(table, (ids) => statements.committedSummaries(ids)),
    subscribers: new DynamoSubscriberRepository(table),
    ledger: new DynamoSendLedger(table),
    mailings: new DynamoMailingRepository(table),
    emailStats: new DynamoEmailStats(table),
    locks: new DynamoLocks(table),
    rateLimiter: new DynamoRateLimiter(table),
    attachments: new DynamoAttachmentRepository(table),
    audit: new DynamoAuditLog(table),
    sessions: new DynamoDeskSessions(table),
    scheduled: new DynamoScheduledStatements(table),
    // The API replaces it with EventBridge Scheduler (awsEmbargoTimer); no other function schedules.
    embargoTimer: backstopOnlyTimer,
  };
}

/** The content bucket (with direct uploads into it) and, for a function given one, the site bucket (S3). */
export function awsBuckets(
  settings: AwsSettings,
  s3: S3Client = new S3Client({ forcePathStyle: settings.S3_FORCE_PATH_STYLE === 'true' }),
): Pick<Platform, 'blobs' | 'site' | 'uploads'> {
  return {
    blobs: new S3ObjectStore(s3, settings.CONTENT_BUCKET),
    uploads: new S3FormUploads(s3, settings.CONTENT_BUCKET),
    site: settings.SITE_BUCKET ? new S3ObjectStore(s3, settings.SITE_BUCKET, siteCacheControl) : missingStore('SITE_BUCKET'),
  };
}

/** SES, for the function that mails. */
export function awsMailer(settings: AwsSettings, ses: SESv2Client = new SESv2Client({})): Pick<Platform, 'mailer'> {
  return { mailer: new SesMailer(ses, settings.SES_CONFIGURATION_SET) };
}

/** The email job queues (SQS), as far as the function was given their URLs. */
export function awsEmailJobs(settings: AwsSettings, sqs: SQSClient = new SQSClient({})): Pick<Platform, 'emailJobs'> {
  return {
    emailJobs: new SqsEmailJobQueue(sqs, {
      ...(settings.EMAIL_JOBS_QUEUE_URL ? { jobs: settings.EMAIL_JOBS_QUEUE_URL } : {}),
      ...(settings.EMAIL_NOTICES_QUEUE_URL ? { notices: settings.EMAIL_NOTICES_QUEUE_URL } : {}),
    }),
  };
}

// --- scheduled statements ---
/** EventBridge Scheduler for the function that schedules (the API); without its settings, the backstop alone. */
export function awsEmbargoTimer(settings: AwsSettings, scheduler?: SchedulerClient): Pick<Platform, 'embargoTimer'> {
  const { EMBARGO_SCHEDULE_GROUP: groupName, EMBARGO_TARGET_ARN: targetArn, EMBARGO_ROLE_ARN: roleArn } = settings;
  if (!groupName || !targetArn || !roleArn) return { embargoTimer: backstopOnlyTimer };
  return { embargoTimer: new SchedulerEmbargoTimer(scheduler ?? new SchedulerClient({}), { groupName, targetArn, roleArn }) };
}
// --- end scheduled statements ---

/** Every adapter: the whole platform on AWS, for tests and tools; a function builds only the parts it uses. */
export function awsDeps(settings: AwsSettings = readAwsSettings(), clients?: AwsClients): Platform {
  return {
    ...awsTable(settings, clients?.dynamo),
    ...awsBuckets(settings, clients?.s3),
    ...awsMailer(settings, clients?.ses),
    ...awsEmailJobs(settings, clients?.sqs),
    ...awsEmbargoTimer(settings, clients?.scheduler),
  };
}
