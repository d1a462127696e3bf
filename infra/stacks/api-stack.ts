// API: the submissions API function behind an HTTP API with throttling and access logs.
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bucketName, type ResolvedConfig } from '../config.js';
import { AppFunction } from '../constructs/app-function.js';
import type { DataStack } from './data-stack.js';
import { grantObjects, grantTable, logRetention, STATEMENT_OBJECTS, TABLE_READ } from './grants.js';

export interface ApiStackProps extends StackProps {
  config: ResolvedConfig;
  data: DataStack;
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly function: AppFunction;
  /** The API's host name, for CloudFront's /v1/* origin. */
  readonly apiDomain: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.function = new AppFunction(this, 'Api', {
      name: 'api',
      prefix: config.prefix,
      logRetention: logRetention(config.logRetentionDays),
      environment: { TABLE_NAME: data.table.tableName, CONTENT_BUCKET: bucketName(config, 'content') },
    });
    grantTable(this.function.role, data.table, [...TABLE_READ, 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem']);
    grantObjects(this.function.role, config, 'content', 'statements/', ['s3:GetObject', 's3:PutObject'], STATEMENT_OBJECTS);

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${config.prefix}-api`,
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Api', this.function.fn),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${config.prefix}-api`,
      retention: logRetention(config.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
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
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}
