// Template assertions for the deployed shape: data, fan-out, functions, API, email, ops. The site stack
// (CDN, shell, caching, DNS, WAF) has its own file, site.test.ts; each role's grants, least-privilege.test.ts.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, PROD_OVERRIDES } from './app-fixture.js';

type Built = ReturnType<typeof buildApp>;
type StackKey = keyof Built['templates'];
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
let dev: Built;
let prod: Built;

beforeAll(() => {
  dev = buildApp('dev');
  prod = buildApp('prod', PROD_OVERRIDES);
}, 120_000);

const STACKS: StackKey[] = ['data', 'api', 'site', 'email', 'pipeline', 'ops'];
const entries = (b: Built, stack: StackKey, type: string) =>
  Object.entries(b.templates[stack].findResources(type)) as Array<[string, { Properties: Json; DeletionPolicy?: string }]>;
const resources = (b: Built, stack: StackKey, type: string) => entries(b, stack, type).map(([, r]) => r);
const everywhere = (b: Built, type: string) => STACKS.flatMap((s) => entries(b, s, type));
/** The stack and logical id a value refers to: { Ref } or { Fn::GetAtt } in its own stack, or another stack's export. */
const referent = (b: Built, stack: StackKey, value: Json): [StackKey, string] => {
  if (value.Ref) return [stack, value.Ref];
  if (value['Fn::GetAtt']) return [stack, value['Fn::GetAtt'][0]];
  for (const exporter of STACKS) {
    const outputs = Object.values(b.templates[exporter].findOutputs('*')) as Json[];
    const output = outputs.find((o) => o.Export?.Name === value['Fn::ImportValue']);
    if (output) return referent(b, exporter, output.Value);
  }
  throw new Error(`no referent for ${JSON.stringify(value)}`);
};
/** The functions of functions/ (not the CDK's own handlers), by logical id. */
const ownFunctions = (b: Built) =>
  everywhere(b, 'AWS::Lambda::Function').filter(([id]) =>
    /^(Api|StreamRelay|CompactSearch|Digests|EmbargoesPublishScheduled|[a-z]+Consumer)Function/.test(id),
  );

describe('the stacks', () => {
  it('deploy in the order Data, Email, Api, Site, Pipeline, Ops, each referring only to stacks before it', () => {
    const order: StackKey[] = ['data', 'email', 'api', 'site', 'pipeline', 'ops'];
    const named = (name: string) => order.find((s) => dev.stacks[s].stackName === name);
    order.forEach((stack, i) => {
      const before = order.slice(0, i);
      const imports = [...JSON.stringify(dev.templates[stack].toJSON()).matchAll(/"Fn::ImportValue":"([^:"]+):/g)].map((m) => m[1]);
      for (const exporter of new Set(imports)) expect(before, `${stack} imports from ${exporter}`).toContain(named(exporter as string));
      const artifact = dev.assembly.getStackByName(dev.stacks[stack].stackName);
      const dependencies = artifact.dependencies.map((d) => d.id).filter((d) => !d.endsWith('.assets'));
      for (const d of dependencies) expect(before, `${stack} depends on ${d}`).toContain(named(d));
    });
  });
});

describe('data', () => {
  it('has one on-demand table with point-in-time recovery, a stream of both images, its index and TTL on expiresAt', () => {
    dev.templates.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'communique-dev',
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
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
  it('relays statement items inserted or given a new event, not its own relayed marks, bisecting failures into a DLQ', () => {
    dev.templates.pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
              dynamodb: { NewImage: { sk: { S: ['STMT'] }, relayedAt: { S: [{ exists: false }] } } },
            }),
          },
        ],
      },
    });
  });
  it('publishes to one KMS-encrypted topic with three queue subscriptions, and outputs its ARN for republish', () => {
    dev.templates.pipeline.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    expect(resources(dev, 'pipeline', 'AWS::SNS::Subscription').map((s) => s.Properties.Protocol)).toEqual(['sqs', 'sqs', 'sqs']);
    dev.templates.pipeline.hasOutput('StatementEventsTopicArn', { Value: { Ref: Match.stringLikeRegexp('^StatementEventsTopic') } });
  });
  it('gives each queue consumer a queue with a DLQ, partial batch failures, and visibility at least 6x its timeout', () => {
    // The consumers of the pipeline (email-jobs' two queues are the Email stack's) and suppress-addresses.
    const mappings = (['pipeline', 'email'] as const).flatMap((stack) =>
      resources(dev, stack, 'AWS::Lambda::EventSourceMapping')
        .filter((m) => m.Properties.FunctionResponseTypes)
        .map((m) => [stack, m.Properties] as const),
    );
    expect(mappings).toHaveLength(6);
    for (const [stack, m] of mappings) {
      expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const [queueStack, queueId] = referent(dev, stack, m.EventSourceArn);
      const queue = dev.templates[queueStack].findResources('AWS::SQS::Queue')[queueId] as { Properties: Json };
      const fn = dev.templates[stack].findResources('AWS::Lambda::Function')[m.FunctionName.Ref] as { Properties: Json };
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      expect(queue.Properties.VisibilityTimeout, queueId).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });
  it('reserves no concurrency anywhere; index-search is bounded by its event source instead', () => {
    for (const [id, f] of everywhere(dev, 'AWS::Lambda::Function')) expect(f.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
    const index = entries(dev, 'pipeline', 'AWS::Lambda::EventSourceMapping').find(([id]) => id.startsWith('indexsearch'));
    expect(index?.[1].Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
  });
});

describe('functions', () => {
  it('run on arm64 and the newest Node.js runtime, with source maps and a log group with retention each', () => {
    const own = ownFunctions(dev);
    expect(own).toHaveLength(10);
    for (const [, f] of own) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(f.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(f.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    const groups = (['api', 'pipeline', 'email'] as const).flatMap((s) => resources(dev, s, 'AWS::Logs::LogGroup'));
    for (const lg of groups) expect(lg.Properties.RetentionInDays).toBe(30);
    expect(groups.map((g) => g.Properties.LogGroupName).sort()).toEqual(
      [
        'api',
        'api-access',
        'compact-search',
        'digests',
        'email-jobs',
        'index-search',
        'publish-scheduled',
        'render-pages',
        'send-emails',
        'stream-relay',
        'suppress-addresses',
      ].map((n) => `/communique/dev/${n}`),
    );
  });
  it('merge the search index delta on a schedule, in a function with Lambda’s longest timeout, not in a consumer', () => {
    const [found] = ownFunctions(dev).filter(([name]) => name.startsWith('CompactSearch'));
    const [id, compactor] = found as [string, { Properties: Json }];
    expect(compactor.Properties).toMatchObject({ Timeout: 900, MemorySize: 3008 });
    dev.templates.pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    dev.templates.pipeline.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });
  it('keep their logs past the stack in prod only', () => {
    for (const s of ['api', 'pipeline', 'email'] as const) {
      for (const lg of resources(prod, s, 'AWS::Logs::LogGroup')) expect(lg.DeletionPolicy).toBe('Retain');
      for (const lg of resources(dev, s, 'AWS::Logs::LogGroup')) expect(lg.DeletionPolicy).toBe('Delete');
    }
  });
  it('carry no physical names that nothing refers to', () => {
    const named: Array<[string, string]> = [
      ['AWS::Lambda::Function', 'FunctionName'],
      ['AWS::SQS::Queue', 'QueueName'],
      ['AWS::SNS::Topic', 'TopicName'],
      ['AWS::CloudWatch::Alarm', 'AlarmName'],
      ['AWS::SES::ConfigurationSet', 'Name'],
      ['AWS::CloudFront::Function', 'Name'],
      ['AWS::Scheduler::Schedule', 'Name'],
    ];
    for (const [type, property] of named) {
      for (const [id, r] of everywhere(dev, type)) {
        // The CDK names CloudFront Functions itself (the property is required); what matters is that we do not.
        if (type === 'AWS::CloudFront::Function') expect(String(r.Properties[property]), id).not.toContain('communique-dev');
        else expect(r.Properties[property], `${id}.${property}`).toBeUndefined();
      }
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
  it('gets the origin secret as a dynamic reference to a generated secret, never as a literal', () => {
    dev.templates.api.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
    });
    const [, api] = ownFunctions(dev).find(([id]) => id.startsWith('Api')) ?? [];
    expect(api?.Properties.Environment.Variables.ORIGIN_SECRET).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: expect.stringMatching(/^OriginSecret/) }, ':SecretString:::}}']],
    });
  });
});

describe('email', () => {
  let address: Built;
  beforeAll(() => {
    address = buildApp('dev', { createSesIdentity: true, sesIdentity: 'statements@example.org' });
  }, 120_000);

  it('feeds bounces and complaints of the configuration set to suppress-addresses', () => {
    dev.templates.email.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    dev.templates.email.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: Match.anyValue() }),
    });
    dev.templates.email.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });
  it('by default refers to an identity verified beforehand, and creates none', () => {
    dev.templates.email.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(Object.keys(dev.templates.email.findOutputs('*')).filter((o) => o.startsWith('Dkim'))).toEqual([]);
  });
  it('with createSesIdentity creates a domain identity and outputs its three DKIM CNAME records', () => {
    prod.templates.email.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.org' });
    for (const n of [1, 2, 3]) {
      prod.templates.email.hasOutput(`DkimRecord${n}`, {
        Value: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.anyValue(), `DkimDNSTokenName${n}`] }, ' CNAME '])] },
      });
    }
  });
  it('with createSesIdentity for an address creates it, with no DNS records to output', () => {
    address.templates.email.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'statements@example.org' });
    expect(Object.keys(address.templates.email.findOutputs('*')).filter((o) => o.startsWith('Dkim'))).toEqual([]);
  });
  it('lets email-jobs send as mailFrom only, to any identity (the sandbox checks recipients), through its configuration set', () => {
    const policy = resources(dev, 'pipeline', 'AWS::IAM::Policy').find((p) => JSON.stringify(p.Properties.Roles).includes('emailjobs'));
    const ses = ((policy?.Properties.PolicyDocument.Statement ?? []) as Json[]).filter((s) => [s.Action].flat().includes('ses:SendEmail'));
    expect(ses).toHaveLength(2);
    expect(ses[0]).toMatchObject({ Condition: { StringEquals: { 'ses:FromAddress': 'statements@example.org' } } });
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':identity/*');
    expect(JSON.stringify(ses[1]?.Resource)).toContain(':configuration-set/');
  });
  it('keeps the queues of email-jobs: send jobs, and subscribe requests, which the API (deployed before the Pipeline stack) sends', () => {
    const queues = Object.keys(dev.templates.email.findResources('AWS::SQS::Queue'));
    expect(queues.filter((q) => q.startsWith('Email')).map((q) => q.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'EmailJobsDeadLetters',
      'EmailJobsQueue',
      'EmailNoticesDeadLetters',
      'EmailNoticesQueue',
    ]);
  });
});

describe('ops', () => {
  const alarms = (b: Built) => Object.fromEntries(entries(b, 'ops', 'AWS::CloudWatch::Alarm').map(([id, a]) => [id, a.Properties]));
  const alarm = (b: Built, prefix: string) => Object.entries(alarms(b)).find(([id]) => id.startsWith(prefix))?.[1] as Json;
  // email-notices: the queue of subscribe requests, which email-jobs works besides its own.
  const consumers = ['render-pages', 'index-search', 'send-emails', 'email-jobs', 'email-notices', 'suppress-addresses'];
  const id = (name: string) => name.replace(/-/g, '');

  it('alarms on every DLQ, every queue’s oldest message, the relay’s iterator age, errors and API 5xx, to the alarm topic', () => {
    // DLQs (relay + 6 queues), oldest messages, iterator age, function errors (9, publish-scheduled's too), API 5xx.
    expect(Object.keys(alarms(dev))).toHaveLength(7 + 6 + 1 + 9 + 1);
    for (const a of Object.values(alarms(dev))) {
      expect(a.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(a.AlarmActions).toHaveLength(1);
    }
    expect(alarm(dev, 'streamrelayiteratorage')).toMatchObject({
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 600_000,
    });
    for (const name of consumers) {
      // A backlog of send jobs is normal (a mailing to 100,000 takes two hours at SES's default rate); a
      // confirmation should go out within minutes.
      const threshold = name === 'email-jobs' ? 3 * 3600 : 900;
      expect(alarm(dev, `${id(name)}oldestmessage`)).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: threshold });
      expect(alarm(dev, `${id(name)}dlqdepth`)).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    }
    // email-jobs' alarms watch its queues where they are: in the Email stack.
    for (const [alarmId, queue] of [
      ['emailjobsoldestmessage', 'EmailJobsQueue'],
      ['emailjobsdlqdepth', 'EmailJobsDeadLetters'],
      ['emailnoticesoldestmessage', 'EmailNoticesQueue'],
      ['emailnoticesdlqdepth', 'EmailNoticesDeadLetters'],
    ]) {
      const [{ Value }] = alarm(dev, alarmId as string).Dimensions;
      expect(referent(dev, 'ops', Value)).toEqual(['email', expect.stringMatching(new RegExp(`^${queue}[0-9A-F]{8}$`))]);
    }
    dev.templates.ops.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });
  it('tells the operator to republish what the relay lost, and to redrive what consumers dead-lettered', () => {
    const relay = alarm(dev, 'streamrelaydlqdepth').AlarmDescription as string;
    expect(relay).toContain('cannot be redriven');
    expect(relay).toContain('npm run cli -- --target aws --stage dev republish --since <ISO time of the first failure>');
    for (const name of consumers) expect(alarm(dev, `${id(name)}dlqdepth`).AlarmDescription).toContain('StartMessageMoveTask');
    // A queue named apart from its consumer sends the operator to the consumer's logs.
    expect(alarm(dev, 'emailnoticesdlqdepth').AlarmDescription).toContain('the logs of email-jobs');
  });
  it('lets CloudWatch alarms of this account and region publish to the alarm topic and use its key', () => {
    const [policy] = resources(dev, 'ops', 'AWS::SNS::TopicPolicy');
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([':cloudwatch:', ':alarm:*'])] } },
        },
      }),
    );
    dev.templates.ops.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }),
        ]),
      },
    });
  });
  it('outputs what the CLI and operators need', () => {
    dev.templates.data.hasOutput('TableName', {});
    dev.templates.data.hasOutput('ContentBucketName', {});
    dev.templates.api.hasOutput('ApiUrl', {});
    dev.templates.site.hasOutput('SiteUrl', {});
    dev.templates.site.hasOutput('SiteBucketName', {});
    dev.templates.pipeline.hasOutput('StatementEventsTopicArn', {});
    dev.templates.email.hasOutput('EmailJobsQueueUrl', { Value: { Ref: Match.stringLikeRegexp('^EmailJobsQueue') } });
    dev.templates.email.hasOutput('EmailJobsDeadLetterQueueName', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EmailJobsDeadLetters'), 'QueueName'] },
    });
    dev.templates.email.hasOutput('EmailNoticesQueueUrl', { Value: { Ref: Match.stringLikeRegexp('^EmailNoticesQueue') } });
    dev.templates.email.hasOutput('EmailNoticesDeadLetterQueueName', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EmailNoticesDeadLetters'), 'QueueName'] },
    });
  });
});
