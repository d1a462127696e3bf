// Template assertions for the email pipeline (issue 9): the API (confirmation requests), send-emails and the
// hourly digests (mailings) enqueue send jobs on one queue, the Email stack's; email-jobs, in the Pipeline
// stack, sends them at SES's rate. Nothing else mails.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_SENDERS, resolveConfig, SES_DEFAULT_RATE } from '../../infra/config.js';
import { JobQueueConsumer } from '../../infra/constructs/job-queue-consumer.js';
import { EMAIL_JOBS_TIMEOUT } from '../../infra/email-jobs.js';
import { functionLogs } from '../../infra/stacks/grants.js';
import { buildApp } from './app-fixture.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
type Built = ReturnType<typeof buildApp>;
let dev: Built;

// cdk-nag's AwsSolutions checks run in buildApp's synth: it throws on any unacknowledged finding.
beforeAll(() => {
  dev = buildApp('dev');
}, 120_000);

const pipeline = () => dev.templates.pipeline;
/** The one resource of a type whose logical id starts with `prefix`. */
const one = (type: string, prefix: string, stack = pipeline()): [string, Json] => {
  const found = Object.entries(stack.findResources(type)).filter(([id]) => id.startsWith(prefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0] as [string, Json];
};
const jobsQueue = () => one('AWS::SQS::Queue', 'EmailJobsQueue', dev.templates.email);
/** How another stack refers to an attribute of the Email stack's resource `id` (Ref when attribute is omitted). */
const imported = (id: string, attribute = '') => ({
  'Fn::ImportValue': expect.stringMatching(
    new RegExp(`^Communique-dev-Email:ExportsOutput${attribute ? 'FnGetAtt' : 'Ref'}${id}${attribute}`),
  ),
});
const environment = (prefix: string, stack = pipeline()) =>
  one('AWS::Lambda::Function', prefix, stack)[1].Properties.Environment.Variables as Record<string, unknown>;
/** The statements of every IAM policy of the API and pipeline stacks, with the logical id of the role each belongs to. */
const statements = () =>
  [dev.templates.api, pipeline()].flatMap((t) =>
    Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: Json) =>
      (p.Properties.PolicyDocument.Statement as Json[]).map((s): Json => ({ ...s, role: p.Properties.Roles[0].Ref as string })),
    ),
  );
const actions = (s: Json) => [s.Action].flat() as string[];

describe('the EmailJobs queue', () => {
  it('is the Email stack’s (deployed before the API, which sends to it), and outputs its URL and its DLQ’s name', () => {
    const [id] = jobsQueue();
    const [dlqId] = one('AWS::SQS::Queue', 'EmailJobsDeadLetters', dev.templates.email);
    dev.templates.email.hasOutput('EmailJobsQueueUrl', { Value: { Ref: id } });
    dev.templates.email.hasOutput('EmailJobsDeadLetterQueueName', { Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } });
    expect(Object.keys(pipeline().findResources('AWS::SQS::Queue')).filter((q) => q.startsWith('emailjobs'))).toEqual([]);
    expect(Object.keys(pipeline().findOutputs('*')).filter((o) => o.startsWith('EmailJobs'))).toEqual([]);
  });

  it('is encrypted, refuses plain HTTP, and dead-letters a job after five receives into a queue kept 14 days', () => {
    const [id, queue] = jobsQueue();
    const [dlqId, dlq] = one('AWS::SQS::Queue', 'EmailJobsDeadLetters', dev.templates.email);
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const q of [id, dlqId]) {
      const [, policy] = one('AWS::SQS::QueuePolicy', q.replace(/[0-9A-F]{8}$/, 'Policy'), dev.templates.email);
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds email-jobs batches of 5 with partial batch responses, at most 5 invocations at once', () => {
    const [queueId] = jobsQueue();
    const [fnId] = one('AWS::Lambda::Function', 'emailjobsConsumerFunction');
    const [, mapping] = one('AWS::Lambda::EventSourceMapping', 'emailjobsConsumer');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: imported(queueId, 'Arn'),
      FunctionName: { Ref: fnId },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: EMAIL_SENDERS },
    });
    expect(EMAIL_SENDERS).toBe(5);
  });

  it('hides a received job for at least six times the timeout of email-jobs, which the two stacks share', () => {
    const [, fn] = one('AWS::Lambda::Function', 'emailjobsConsumerFunction');
    expect(fn.Properties.Timeout).toBe(EMAIL_JOBS_TIMEOUT.toSeconds());
    expect(fn.Properties.Timeout).toBe(60);
    expect(jobsQueue()[1].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });

  it('cannot be given to a consumer whose timeout outlasts a sixth of its visibility, nor without a DLQ', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Consumers');
    const logs = functionLogs(resolveConfig('dev', { dev: { sesIdentity: 'example.org', mailFrom: 'statements@example.org' } }));
    const consume = (id: string, queue: Queue) =>
      new JobQueueConsumer(stack, id, { name: 'email-jobs', queue, environment: {}, logs, timeout: Duration.seconds(60) });
    const dlq = new Queue(stack, 'DeadLetters');
    const short = new Queue(stack, 'Short', {
      visibilityTimeout: Duration.seconds(300),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
    });
    expect(() => consume('TooShort', short)).toThrow('less than 6 times its timeout (60 s)');
    expect(() => consume('NoDlq', new Queue(stack, 'Alone', { visibilityTimeout: Duration.seconds(360) }))).toThrow('no dead-letter queue');
    const fits = new Queue(stack, 'Fits', {
      visibilityTimeout: Duration.seconds(360),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
    });
    expect(consume('Consumer', fits).deadLetterQueue).toBe(dlq);
  });
});

describe('the functions that plan and send mail', () => {
  const common = ['TABLE_NAME', 'CONTENT_BUCKET', 'SITE_BUCKET', 'SITE_URL', 'MAIL_FROM', 'NODE_OPTIONS'];
  const queueUrl = () => imported(jobsQueue()[0]);

  it('give email-jobs the queue it works (for continuations), the configuration set and its share of SES’s rate', () => {
    const env = environment('emailjobsConsumerFunction');
    expect(Object.keys(env).sort()).toEqual([...common, 'EMAIL_JOBS_QUEUE_URL', 'MAIL_RATE_PER_SECOND', 'SES_CONFIGURATION_SET'].sort());
    expect(env.EMAIL_JOBS_QUEUE_URL).toEqual(queueUrl());
    expect(env.SES_CONFIGURATION_SET).toEqual({ 'Fn::ImportValue': expect.stringContaining('ConfigurationSet') });
    expect(env.MAIL_RATE_PER_SECOND).toBe('2');
  });

  it('give send-emails (the planner) and digests the queue, and no way to mail', () => {
    expect(Object.keys(environment('sendemailsConsumerFunction')).sort()).toEqual([...common, 'EMAIL_JOBS_QUEUE_URL'].sort());
    expect(Object.keys(environment('DigestsFunction')).sort()).toEqual([...common, 'EMAIL_JOBS_QUEUE_URL'].sort());
    expect(environment('sendemailsConsumerFunction').EMAIL_JOBS_QUEUE_URL).toEqual(queueUrl());
    expect(environment('DigestsFunction').EMAIL_JOBS_QUEUE_URL).toEqual(queueUrl());
  });

  it('let exactly the API, send-emails, email-jobs and digests send to the queue, with sqs:SendMessage alone', () => {
    const [queueId] = jobsQueue();
    const onQueue = statements().filter((s) => JSON.stringify(s.Resource).includes(queueId));
    const senders = onQueue.filter((s) => actions(s).includes('sqs:SendMessage'));
    expect(senders.map((s) => s.role.replace(/Role.*$/, '')).sort()).toEqual(['Api', 'Digests', 'emailjobsConsumer', 'sendemailsConsumer']);
    for (const s of senders) expect(s).toMatchObject({ Action: 'sqs:SendMessage', Resource: imported(queueId, 'Arn') });
    // Besides, only email-jobs' event source (receive, delete, change visibility) touches it.
    expect(onQueue.filter((s) => !senders.includes(s)).map((s) => s.role.replace(/Role.*$/, ''))).toEqual(['emailjobsConsumer']);
  });

  it('give the API the queue for confirmation requests, and no way to mail', () => {
    const env = environment('ApiFunction', dev.templates.api);
    expect(Object.keys(env).sort()).toEqual(['CONTENT_BUCKET', 'EMAIL_JOBS_QUEUE_URL', 'NODE_OPTIONS', 'ORIGIN_SECRET', 'TABLE_NAME']);
    expect(env.EMAIL_JOBS_QUEUE_URL).toEqual(queueUrl());
    const api = statements().filter((s) => s.role.startsWith('ApiRole'));
    expect(api.filter((s) => actions(s).some((a) => a.startsWith('ses:')))).toEqual([]);
  });

  it('let email-jobs alone mail, as mailFrom only, through the configuration set', () => {
    const mailers = statements().filter((s) => actions(s).some((a) => a.startsWith('ses:')));
    expect([...new Set(mailers.map((s) => s.role.replace(/Role.*$/, '')))]).toEqual(['emailjobsConsumer']);
    for (const s of mailers) expect(actions(s)).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
  });
});

describe('digests', () => {
  it('runs every hour through EventBridge Scheduler, with few retries, in a function with a 60 s timeout', () => {
    const [fnId, fn] = one('AWS::Lambda::Function', 'DigestsFunction');
    expect(fn.Properties.Timeout).toBe(60);
    const [, schedule] = one('AWS::Scheduler::Schedule', 'DigestsSchedule');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } },
    });
    expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBeLessThanOrEqual(2);
  });

  it('is invoked by a role that may invoke that function (and its versions) and nothing else', () => {
    const [fnId] = one('AWS::Lambda::Function', 'DigestsFunction');
    const scheduler = statements().filter((s) => s.role.startsWith('SchedulerRoleForTarget'));
    expect(scheduler).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: [{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }],
      }),
    ]);
  });
});

describe('mailRatePerSecond', () => {
  const base = { sesIdentity: 'example.org', mailFrom: 'statements@example.org' };
  it('defaults to SES’s default account rate shared by the concurrent senders, rounded down, at least 1', () => {
    expect(resolveConfig('dev', { dev: base }).mailRatePerSecond).toBe(Math.max(1, Math.floor(SES_DEFAULT_RATE / EMAIL_SENDERS)));
    expect(resolveConfig('dev', { dev: base }).mailRatePerSecond).toBe(2);
  });
  it('takes a raised rate from the stage config, and refuses none at all', () => {
    expect(resolveConfig('dev', { dev: { ...base, mailRatePerSecond: 40 } }).mailRatePerSecond).toBe(40);
    expect(() => resolveConfig('dev', { dev: { ...base, mailRatePerSecond: 0 } })).toThrow('mailRatePerSecond');
  });
});
