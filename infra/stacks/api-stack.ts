// API: the submissions API function behind an HTTP API with throttling and access logs, answering only
// requests that carry the origin secret CloudFront adds (its execute-api URL is not a way around the CDN).
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { bucketName, type ResolvedConfig, removalPolicy } from '../config.js';
import { AppFunction } from '../constructs/app-function.js';
import { EmbargoPublisher } from '../constructs/embargo-publisher.js';
import type { DataStack } from './data-stack.js';
import type { EmailStack } from './email-stack.js';
import {
  ATTACHMENT_OBJECTS,
  functionLogs,
  grantList,
  grantObjects,
  grantSendMessages,
  grantTable,
  grantTableOnLeadingKeys,
  logRetention,
  SCHEDULED_OBJECTS,
  STATEMENT_OBJECTS,
  TABLE_READ,
  UPLOAD_OBJECTS,
} from './grants.js';

/**
 * The items the API writes: statements (their rows, party and storing-order links, their places in the
 * listings; signatures update them), the listings' counters and entries, idempotency records, rate
 * windows, subscribers with their address claims and the bucket entries mailings read them by,
 * attachment records (ATT#), and the web desk's sessions (DESKSESSION#); scheduled statements (SCHEDULED#);
 * press keys an office issues, with when each was last used (KEY#) and each party's live set (KEYSOF#);
 * the audit log (AUDIT#).
 */
export const API_ITEMS = [
  'STMT#*',
  'LISTINGS',
  'LIST#*',
  'IDEMP#*',
  'RATE#*',
  'SUB#*',
  'SUBEMAIL#*',
  'SUBIDX#*',
  'ATT#*',
  'DESKSESSION#*',
  'SCHEDULED#*',
  'KEY#*',
  'KEYSOF#*',
  'AUDIT#*',
];
/**
 * What the API deletes: a subscriber's bucket entries once it leaves a bucket (confirming or unsubscribing
 * re-files it). Never an address claim: the API does not change a subscriber's address. A scheduled
 * statement its office cancels. A key refused at an office's limit of live keys.
 */
export const API_DELETED_ITEMS = ['SUBIDX#*', 'SCHEDULED#*', 'KEY#*'];

export interface ApiStackProps extends StackProps {
  config: ResolvedConfig;
  data: DataStack;
  /**
   * Its queue, EmailNotices: the API mails nothing itself; it enqueues subscribe requests, which email-jobs
   * stores and confirms by mail (with the site's URL, which this stack, deployed before the site's, cannot
   * know), so that its answer takes as long whether the address is new or known.
   */
  email: EmailStack;
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly function: AppFunction;
  /** publish-scheduled, its schedule group and backstop: embargoes. */
  readonly embargoes: EmbargoPublisher;
  /** The API's host name, for CloudFront's /v1/* origin. */
  readonly apiDomain: string;
  /** Sent by CloudFront as x-origin-verify; the API answers 403 without it. */
  readonly originSecret: Secret;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data, email } = props;
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'Proves that a request to the submissions API came through CloudFront (header x-origin-verify).',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Resolved at deploy time into both the CloudFront origin header and the API environment, which must change together: rotate by changing the value and redeploying Api and Site, not by a rotation Lambda.',
    });
    this.function = new AppFunction(this, 'Api', {
      name: 'api',
      logs: functionLogs(config),
      environment: {
        TABLE_NAME: data.table.tableName,
        CONTENT_BUCKET: bucketName(config, 'content'),
        // Attachments are published by the API itself, under files/ (its name is fixed: the Site stack comes later).
        SITE_BUCKET: bucketName(config, 'site'),
        // The site's origin, for images in statements; without a custom domain it is the distribution's,
        // known only to the Site stack (which depends on this one), so images are then relative paths only.
        ...(config.domainName ? { SITE_URL: `https://${config.domainName}` } : {}),
        EMAIL_NOTICES_QUEUE_URL: email.notices.queueUrl,
        // A dynamic reference ({{resolve:secretsmanager:…}}): the value never appears in the template.
        ORIGIN_SECRET: this.originSecret.secretValue.unsafeUnwrap(),
      },
    });
    grantTable(this.function.role, data.table, TABLE_READ);
    grantTableOnLeadingKeys(
      this.function.role,
      data.table,
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      API_ITEMS,
    );
    grantTableOnLeadingKeys(this.function.role, data.table, ['dynamodb:DeleteItem'], API_DELETED_ITEMS);
    grantSendMessages(this.function.role, email.notices);
    grantObjects(this.function.role, config, 'content', ['statements/*'], ['s3:GetObject', 's3:PutObject'], STATEMENT_OBJECTS);
    // --- attachments: uploads checked (and deleted when refused or done), the checked bytes kept, then published ---
    grantObjects(this.function.role, config, 'content', ['uploads/*'], ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], UPLOAD_OBJECTS);
    grantObjects(this.function.role, config, 'content', ['attachments/*'], ['s3:GetObject', 's3:PutObject'], ATTACHMENT_OBJECTS);
    grantObjects(this.function.role, config, 'site', ['files/*'], ['s3:PutObject'], ATTACHMENT_OBJECTS);
    // --- end attachments ---
    // --- scheduled statements: their inputs in the content bucket, and the embargo schedules that publish them ---
    grantObjects(
      this.function.role,
      config,
      'content',
      ['scheduled/*'],
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      SCHEDULED_OBJECTS,
    );
    grantList(this.function.role, config, 'content', 'scheduled/');
    this.embargoes = new EmbargoPublisher(this, 'Embargoes', {
      config,
      table: data.table,
      environment: {
        TABLE_NAME: data.table.tableName,
        CONTENT_BUCKET: bucketName(config, 'content'),
        // An embargoed statement's attachments reach the site when it is published.
        SITE_BUCKET: bucketName(config, 'site'),
        ...(config.domainName ? { SITE_URL: `https://${config.domainName}` } : {}),
      },
    });
    this.embargoes.allowScheduling(this.function);
    // --- end scheduled statements ---

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${config.prefix}-api`,
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Api', this.function.fn),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/communique/${config.stage}/api-access`,
      retention: logRetention(config.logRetentionDays),
      removalPolicy: removalPolicy(config),
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Press keys are checked by the application (hashed, revocable, per party); reads are public by design.',
    });
    this.apiDomain = `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: "CloudFront's origin for /v1/*: it answers 403 to requests that do not come through the distribution (use SiteUrl/v1/).",
    });
  }
}
