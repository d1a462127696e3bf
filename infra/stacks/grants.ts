// Least-privilege grants written out: exact actions on exact resources, no service-wide wildcards.

import { Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bucketArn, nagObjectResource, type ResolvedConfig, removalPolicy } from '../config.js';
import type { FunctionLogs } from '../constructs/app-function.js';

export const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

/** The table and its one index, nothing else. */
export function grantTable(grantee: IGrantable, table: ITableV2, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions, resources: [table.tableArn, `${table.tableArn}/index/gsi1`] }),
  );
}

/**
 * Actions on the items whose partition key starts as one of `leadingKeys` ("LOCK#*"): the items a
 * function owns. DynamoDB checks every key a request touches (batch writes included) against the list.
 */
export function grantTableOnLeadingKeys(grantee: IGrantable, table: ITableV2, actions: string[], leadingKeys: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
    }),
  );
}

/**
 * Sending to one queue (SendMessageBatch included). Written out: grantSendMessages adds GetQueueAttributes
 * and GetQueueUrl, which no sender calls (the queue's URL is in its environment).
 */
export function grantSendMessages(grantee: IGrantable, queue: IQueue): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/**
 * The lease items of Locks (pk = LOCK#<name>), taken around each read-modify-write of a shared site file
 * (put), renewed while the work runs (update), released (delete).
 */
export const LOCK_ITEMS = ['LOCK#*'];
export const LOCK_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'];

/**
 * Objects of a project bucket matching `patterns` ("index.html", "parties/*"). cdk-nag reports each
 * pattern with a wildcard; the acknowledgement names exactly that bucket and pattern, with the reason.
 */
export function grantObjects(
  grantee: Construct & IGrantable,
  config: ResolvedConfig,
  role: 'content' | 'site',
  patterns: string[],
  actions: string[],
  reason: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions, resources: patterns.map((p) => `${bucketArn(config, role)}/${p}`) }),
  );
  for (const pattern of patterns.filter((p) => p.includes('*'))) {
    Validations.of(grantee).acknowledge({ id: `AwsSolutions-IAM5[${nagObjectResource(config, role, pattern)}]`, reason });
  }
}

export function grantList(grantee: IGrantable, config: ResolvedConfig, role: 'content' | 'site', prefix: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucketArn(config, role)],
      ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
    }),
  );
}

const RETENTIONS = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number' && v > 0);

/** The shortest CloudWatch retention that keeps at least `days`. */
export function logRetention(days: number): RetentionDays {
  return RETENTIONS.filter((r) => r >= days).sort((a, b) => a - b)[0] ?? RetentionDays.TEN_YEARS;
}

/** The log settings of every function of a stage. */
export function functionLogs(config: ResolvedConfig): FunctionLogs {
  return { stage: config.stage, retention: logRetention(config.logRetentionDays), removalPolicy: removalPolicy(config) };
}

export const STATEMENT_OBJECTS =
  'Canonical statements are objects named by id under statements/ of the content bucket; the grant is that prefix.';

// --- attachments ---
/** The API's presigned POSTs put each upload under uploads/<party>/<id>: the API signs for, reads and deletes them there. */
export const UPLOAD_OBJECTS =
  'Direct uploads are objects named by party and attachment id under uploads/ of the content bucket (the presigned POST signs for that key, the API checks and deletes it); the grant is that prefix.';
export const ATTACHMENT_OBJECTS =
  'A checked attachment is kept under attachments/<id> in the content bucket and published under files/<id>/ of the site bucket; the grant is those prefixes.';
// --- end attachments ---

// --- scheduled statements ---
export const SCHEDULED_OBJECTS =
  'The inputs of scheduled statements are objects named by statement id under scheduled/ of the content bucket, deleted once it is published or cancelled; the grant is that prefix.';
// --- end scheduled statements ---

/** What render-pages writes in the site bucket: the pages of the page graph, feeds and sitemaps. */
export const PAGE_OBJECTS = [
  'index.html',
  // The home listing's archive pages (page/1/index.html…).
  'page/*',
  'parties/*',
  'statements/*',
  'countries/*',
  'languages/*',
  'topics/*',
  'archive/*',
  'feed.xml',
  'feed.json',
  'sitemap*',
  'robots.txt',
];
export const PAGE_OBJECTS_REASON =
  'render-pages owns these page prefixes of the site bucket (one folder per page family); not the shell (assets/, search/).';

/** What index-search writes: the index's manifest and segments under search/v2/, not the shell's search page. */
export const SEARCH_OBJECTS = ['search/v2/*'];
export const SEARCH_OBJECTS_REASON =
  'index-search owns the search index prefix of the site bucket (a manifest and immutable segments, retired segments deleted); not search/index.html or assets/.';
