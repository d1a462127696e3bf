// Data: the single table (with its stream, the outbox) and the versioned content bucket.
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { bucketName, type ResolvedConfig, removalPolicy } from '../config.js';

/**
 * The origin the desk runs on: the custom domain, or else the distribution's, which is made later (by the
 * Site stack) and named by CloudFront, so any of its names.
 */
export function siteOrigin(config: Pick<ResolvedConfig, 'domainName'>): string {
  return config.domainName ? `https://${config.domainName}` : 'https://*.cloudfront.net';
}

export interface DataStackProps extends StackProps {
  config: ResolvedConfig;
}

export class DataStack extends Stack {
  readonly table: TableV2;
  readonly contentBucket: Bucket;
  /** Server access logs of every bucket, and CloudFront's standard logs. */
  readonly logsBucket: Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prod = config.stage === 'prod';
    const keep = removalPolicy(config);

    this.table = new TableV2(this, 'Table', {
      // Kept: renaming would replace the table, and with it every statement.
      tableName: config.prefix,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
        },
      ],
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: prod,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      // Idempotency records, send-ledger entries and lock leases carry expiresAt (epoch seconds).
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: keep,
    });

    this.logsBucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: keep,
      autoDeleteObjects: !prod,
    });
    Validations.of(this.logsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    this.contentBucket = new Bucket(this, 'Content', {
      bucketName: bucketName(config, 'content'),
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'content/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(config.noncurrentVersionDays) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // --- attachments: an upload is checked and moved within minutes; one left a day was abandoned ---
        { prefix: 'uploads/', expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
      ],
      // The desk's browser posts files straight here (presigned POST). The signed policy is what authorises an
      // upload; CORS only lets the site's own pages read S3's answer.
      cors: [{ allowedMethods: [HttpMethods.POST], allowedOrigins: [siteOrigin(config)], allowedHeaders: ['*'], maxAge: 3000 }],
      // --- end attachments ---
      removalPolicy: keep,
      autoDeleteObjects: !prod,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ContentBucketName', { value: this.contentBucket.bucketName });
  }
}
