// Least-privilege grants written out: exact actions on exact resources, no service-wide wildcards.

import { Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bucketArn, nagObjectResource, type ResolvedConfig } from '../config.js';

export const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

/** The table and its one index, nothing else. */
export function grantTable(grantee: IGrantable, table: ITableV2, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions, resources: [table.tableArn, `${table.tableArn}/index/gsi1`] }),
  );
}

/**
 * Objects under one prefix of a project bucket. cdk-nag reports the prefix as a wildcard; the
 * acknowledgement names exactly that bucket and prefix, with the reason.
 */
export function grantObjects(
  grantee: Construct & IGrantable,
  config: ResolvedConfig,
  role: 'content' | 'site',
  prefix: string,
  actions: string[],
  reason: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [`${bucketArn(config, role)}/${prefix}*`] }));
  Validations.of(grantee).acknowledge({ id: `AwsSolutions-IAM5[${nagObjectResource(config, role, prefix)}]`, reason });
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

export const STATEMENT_OBJECTS =
  'Canonical statements are objects named by id under statements/ of the content bucket; the grant is that prefix.';
export const SITE_OBJECTS = 'The function writes pages and search shards anywhere in the site bucket, which holds nothing else.';
