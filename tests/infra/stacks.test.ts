// Template assertions for the deployed shape: data, fan-out, API, site, email, ops, least privilege.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app-fixture.js';

type Built = ReturnType<typeof buildApp>;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
let dev: Built;
let prod: Built;

beforeAll(() => {
  dev = buildApp('dev');
  prod = buildApp('prod', { domainName: 'statements.example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' });
}, 120_000);

const resources = (b: Built, stack: keyof Built['templates'], type: string) =>
  Object.values(b.templates[stack].findResources(type)) as Array<{ Properties: Json }>;

describe('data', () => {
  it('has one on-demand table with point-in-time recovery, a stream of both images, and its index', () => {
    dev.templates.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'communique-dev',
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });
  it('protects the table from deletion in prod only', () => {
    prod.templates.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    dev.templates.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
    prod.templates.data.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });
  it('keeps a versioned, encrypted, private content bucket that refuses plain HTTP and expires old versions', () => {
    dev.templates.data.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['communique-dev-content-'])] }),
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } })]) },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'content/' }),
    });
    for (const policy of resources(dev, 'data', 'AWS::S3::BucketPolicy')) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('the outbox relay and fan-out', () => {
  it('relays only inserted statement items from the stream, bisecting failures into a DLQ', () => {
    dev.templates.pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { sk: { S: ['STMT'] } } } }) }],
      },
    });
  });
  it('publishes to one KMS-encrypted topic with three queue subscriptions', () => {
    dev.templates.pipeline.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'communique-dev-statement-events',
      KmsMasterKeyId: Match.anyValue(),
    });
    expect(resources(dev, 'pipeline', 'AWS::SNS::Subscription').map((s) => s.Properties.Protocol)).toEqual(['sqs', 'sqs', 'sqs']);
  });
  it('gives each consumer a queue with a DLQ, partial batch failures, and visibility at least 6x its timeout', () => {
    const t = dev.templates.pipeline;
    const fns = t.findResources('AWS::Lambda::Function');
    const queues = t.findResources('AWS::SQS::Queue');
    const mappings = resources(dev, 'pipeline', 'AWS::Lambda::EventSourceMapping').filter((m) => m.Properties.FunctionResponseTypes);
    expect(mappings).toHaveLength(3);
    for (const m of mappings) {
      expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const queue = queues[m.Properties.EventSourceArn['Fn::GetAtt'][0]] as { Properties: Json };
      const fn = fns[m.Properties.FunctionName.Ref] as { Properties: Json };
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });
  it('lets one index-search run at a time (its shards are read-modify-write)', () => {
    dev.templates.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'communique-dev-index-search',
      ReservedConcurrentExecutions: 1,
    });
  });
});

describe('functions', () => {
  it('run on arm64 and the newest Node.js runtime, with source maps and a log group with retention each', () => {
    for (const stack of ['api', 'pipeline', 'email'] as const) {
      const own = resources(dev, stack, 'AWS::Lambda::Function').filter((f) =>
        String(f.Properties.FunctionName ?? '').startsWith('communique-dev-'),
      );
      expect(own.length).toBeGreaterThan(0);
      for (const f of own) {
        expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
        expect(f.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
        expect(f.Properties.LoggingConfig.LogGroup).toBeDefined();
      }
      for (const lg of resources(dev, stack, 'AWS::Logs::LogGroup')) expect(lg.Properties.RetentionInDays).toBe(30);
    }
  });
});

describe('API', () => {
  it('is an HTTP API with throttling and JSON access logs on its default stage', () => {
    dev.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', Name: 'communique-dev-api' });
    dev.templates.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('site', () => {
  const distribution = (b: Built) => resources(b, 'site', 'AWS::CloudFront::Distribution')[0]?.Properties.DistributionConfig;
  it('serves a private bucket through CloudFront with OAC, HTTPS only, compression and access logs', () => {
    const d = distribution(dev);
    expect(d.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', Compress: true });
    expect(d.Origins[0].S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(d.Origins[0].OriginAccessControlId).toBeDefined();
    expect(d.Logging).toMatchObject({ Prefix: 'cdn/' });
    dev.templates.site.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });
  it('routes /v1/* to the API with caching disabled and every method allowed', () => {
    expect(distribution(dev).CacheBehaviors).toEqual([
      expect.objectContaining({
        PathPattern: '/v1/*',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        ViewerProtocolPolicy: 'https-only',
      }),
    ]);
  });
  it('sends HSTS and a strict Content-Security-Policy without unsafe-inline', () => {
    const policy = resources(dev, 'site', 'AWS::CloudFront::ResponseHeadersPolicy')[0]?.Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;
    expect(policy.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(policy.ContentSecurityPolicy.ContentSecurityPolicy).toContain("script-src 'self'");
    expect(policy.ContentSecurityPolicy.ContentSecurityPolicy).not.toContain('unsafe-inline');
  });
  it('uses TLS 1.2 (2021) at least with a custom domain', () => {
    expect(distribution(prod).ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(distribution(prod).Aliases).toEqual(['statements.example.org']);
  });
  it('deploys the shell without pruning the pages render-pages wrote', () => {
    dev.templates.site.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false });
  });
});

describe('email', () => {
  it('feeds bounces and complaints of the configuration set to suppress-addresses', () => {
    dev.templates.email.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'communique-dev' });
    dev.templates.email.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: Match.anyValue() }),
    });
    dev.templates.email.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'communique-dev-suppress-addresses' });
  });
});

describe('ops', () => {
  it('alarms on every DLQ, every function’s errors and API 5xx, to the alarm topic with an email subscription', () => {
    const alarms = resources(dev, 'ops', 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
    const names = alarms.map((a) => a.AlarmName).sort();
    expect(names).toEqual(
      [
        ...['stream-relay', 'render-pages', 'index-search', 'send-emails', 'suppress-addresses'].map(
          (n) => `communique-dev-${n}-dlq-depth`,
        ),
        ...['api', 'stream-relay', 'render-pages', 'index-search', 'send-emails', 'suppress-addresses'].map(
          (n) => `communique-dev-${n}-errors`,
        ),
        'communique-dev-api-5xx',
      ].sort(),
    );
    for (const a of alarms) {
      expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(a.AlarmActions).toHaveLength(1);
    }
    dev.templates.ops.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });
  it('outputs what the CLI and operators need', () => {
    dev.templates.data.hasOutput('TableName', {});
    dev.templates.data.hasOutput('ContentBucketName', {});
    dev.templates.api.hasOutput('ApiUrl', {});
    dev.templates.site.hasOutput('SiteUrl', {});
    dev.templates.site.hasOutput('SiteBucketName', {});
  });
});

describe('least privilege', () => {
  const statementsOf = (b: Built) =>
    (Object.keys(b.templates) as Array<keyof Built['templates']>).flatMap((stack) =>
      resources(b, stack, 'AWS::IAM::Policy').flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Json[]).map(
          (s): Json => ({
            ...s,
            stack,
            roles: JSON.stringify(p.Properties.Roles),
          }),
        ),
      ),
    );
  const actions = (s: { Action: string | string[] }) => [s.Action].flat();

  it('has no wildcard action on "*" outside the CDK’s own deployment handler', () => {
    const wild = statementsOf(dev).filter((s) => s.Resource === '*' || actions(s as never).some((a) => a === '*' || a.endsWith(':*')));
    expect(wild.every((s) => s.stack === 'site' && s.roles.includes('CustomCDKBucketDeployment'))).toBe(true);
  });

  it('gives each function only the services it uses', () => {
    const byRole = new Map<string, Set<string>>();
    for (const s of statementsOf(dev)) {
      const role = (/"Ref":"([A-Za-z]+?)(?:Consumer)?Role/.exec(s.roles)?.[1] ?? s.roles).toLowerCase();
      const set = byRole.get(role) ?? new Set<string>();
      for (const a of actions(s as never)) set.add(a.split(':')[0] as string);
      byRole.set(role, set);
    }
    const services = (role: string) => [...(byRole.get(role) ?? [])].sort();
    expect(services('api')).toEqual(['dynamodb', 'logs', 's3']);
    expect(services('streamrelay')).toEqual(['dynamodb', 'kms', 'logs', 'sns', 'sqs']);
    expect(services('renderpages')).toEqual(['cloudfront', 'dynamodb', 'logs', 's3', 'sqs']);
    expect(services('indexsearch')).toEqual(['dynamodb', 'logs', 's3', 'sqs']);
    expect(services('sendemails')).toEqual(['dynamodb', 'logs', 's3', 'ses', 'sqs']);
    expect(services('suppressaddresses')).toEqual(['dynamodb', 'logs', 'sqs']);
  });
});
