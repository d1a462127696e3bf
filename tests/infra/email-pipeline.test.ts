// Template assertions for the email pipeline (issue 9): send-emails and the hourly digests (mailings) enqueue
// send jobs on the Email stack's EmailJobs queue, the API readers' subscribe requests on its EmailNotices
// queue; email-jobs, in the Pipeline stack, works both at SES's rate, each through its own event source, so
// that a confirmation never waits behind a mailing. Nothing else mails.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_SENDERS, NOTICE_SENDERS, resolveConfig, SES_DEFAULT_RATE } from '../../infra/config.js';
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
const noticesQueue = () => one('AWS::SQS::Queue', 'EmailNoticesQueue', dev.templates.email);
/** email-jobs' event source on a queue of the Email stack. */
const mappingOf = (queueId: string): Json => {
  const mappings = Object.values(pipeline().findResources('AWS::Lambda::EventSourceMapping')) as Json[];
  const found = mappings.filter((m) => JSON.stringify(m.Properties.EventSourceArn).includes(queueId));
  expect(found).toHaveLength(1);
  return found[0] as Json;
};
/** How another stack refers to an attribute of the Email stack's resource `id` (Ref when attribute is omitted). */
const imported = (id: string, attribute = '') => ({
  'Fn::ImportValue': expect.stringMatching(
    new RegExp(`^Communique-dev-Email:ExportsOutput${attribute ? 'FnGetAtt' : 'Ref'}${id}${attribute}`),
  ),
});
const environment = (prefix: string, stack = pipeline()) =>
  one('AWS::Lambda::Function', prefix, stack)[1].Properties.Environment.Variables as Record<string, unknown>;
/** The statements of every IAM policy of every stack, with the logical id of the role each belongs to. */
const statements = () =>
  Object.values(dev.templates).flatMap((t) =>
    Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: Json) =>
      (p.Properties.PolicyDocument.Statement as Json[]).map((s): Json => ({ ...s, role: p.Properties.Roles[0].Ref as string })),
    ),
  );
const actions = (s: Json) => [s.Action].flat() as string[];
const partition = <T>(items: T[], test: (item: T) => boolean): [T[], T[]] => [items.filter(test), items.filter((i) => !test(i))];

describe.each([
  ['EmailJobs', 'the queue of send jobs'],
  ['EmailNotices', 'the queue of subscribe requests'],
])('the %s queue (%s)', (name) => {
  const queue = () => one('AWS::SQS::Queue', `${name}Queue`, dev.templates.email);
  const deadLetters = () => one('AWS::SQS::Queue', `${name}DeadLetters`, dev.templates.email);

  it('is the Email stack’s (deployed before the API and the Pipeline), and outputs its URL and its DLQ’s name', () => {
    dev.templates.email.hasOutput(`${name}QueueUrl`, { Value: { Ref: queue()[0] } });
    dev.templates.email.hasOutput(`${name}DeadLetterQueueName`, { Value: { 'Fn::GetAtt': [deadLetters()[0], 'QueueName'] } });
    const lower = name.toLowerCase();
    expect(Object.keys(pipeline().findResources('AWS::SQS::Queue')).filter((q) => q.toLowerCase().startsWith(lower))).toEqual([]);
    expect(Object.keys(pipeline().findOutputs('*')).filter((o) => o.startsWith(name))).toEqual([]);
  });

  it('is encrypted, refuses plain HTTP, allows no one by its own policy, and dead-letters after five receives into a queue kept 14 days', () => {
    const [id, q] = queue();
    const [dlqId, dlq] = deadLetters();
    expect(q.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const queueId of [id, dlqId]) {
      const [, policy] = one('AWS::SQS::QueuePolicy', queueId.replace(/[0-9A-F]{8}$/, 'Policy'), dev.templates.email);
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]);
    }
  });

  it('hides a received message for at least six times the timeout of email-jobs, which the two stacks share', () => {
    const [, fn] = one('AWS::Lambda::Function', 'emailjobsConsumerFunction');
    expect(fn.Properties.Timeout).toBe(EMAIL_JOBS_TIMEOUT.toSeconds());
    expect(fn.Properties.Timeout).toBe(60);
    expect(queue()[1].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });
});

describe('email-jobs’ event sources', () => {
  it('are two: EmailJobs and EmailNotices, each feeding it on its own', () => {
    const [fnId] = one('AWS::Lambda::Function', 'emailjobsConsumerFunction');
    const mappings = Object.values(pipeline().findResources('AWS::Lambda::EventSourceMapping')) as Json[];
    const feeding = mappings.filter((m) => m.Properties.FunctionName.Ref === fnId);
    expect(feeding.map((m) => m.Properties.EventSourceArn)).toEqual(
      expect.arrayContaining([imported(jobsQueue()[0], 'Arn'), imported(noticesQueue()[0], 'Arn')]),
    );
    expect(feeding).toHaveLength(2);
  });

  it('take send jobs in batches of 5 with partial batch responses, at most 5 invocations at once', () => {
    expect(mappingOf(jobsQueue()[0]).Properties).toMatchObject({
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: EMAIL_SENDERS },
    });
    expect(EMAIL_SENDERS).toBe(5);
  });

  it('take subscribe requests in batches of 5 with partial batch responses, at most 2 invocations at once (besides the 5)', () => {
    expect(mappingOf(noticesQueue()[0]).Properties).toMatchObject({
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: NOTICE_SENDERS },
    });
    expect(NOTICE_SENDERS).toBe(2);
  });
});

describe('JobQueueConsumer', () => {
  /** A stack of its own, with queues that hide messages `seconds` and dead-letter into one DLQ. */
  const consumers = () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Consumers');
    const logs = functionLogs(resolveConfig('dev', { dev: { sesIdentity: 'example.org', mailFrom: 'statements@example.org' } }));
    const dlq = new Queue(stack, 'DeadLetters');
    return {
      stack,
      dlq,
      consume: (id: string, queue: Queue) =>
        new JobQueueConsumer(stack, id, { name: 'email-jobs', queue, environment: {}, logs, timeout: Duration.seconds(60) }),
      hiding: (id: string, seconds: number) =>
        new Queue(stack, id, { visibilityTimeout: Duration.seconds(seconds), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } }),
    };
  };

  it('cannot be given a queue that hides messages less than six times its timeout, nor one without a DLQ', () => {
    const { stack, dlq, consume, hiding } = consumers();
    expect(() => consume('TooShort', hiding('Short', 300))).toThrow('less than 6 times its timeout (60 s)');
    expect(() => consume('NoDlq', new Queue(stack, 'Alone', { visibilityTimeout: Duration.seconds(360) }))).toThrow('no dead-letter queue');
    expect(consume('Consumer', hiding('Fits', 360)).deadLetterQueue).toBe(dlq);
  });

  it('takes another queue on the same terms, through an event source of its own', () => {
    const { stack, consume, hiding } = consumers();
    const consumer = consume('Consumer', hiding('First', 360));
    expect(() => consumer.addQueue(hiding('SecondTooShort', 300))).toThrow('less than 6 times its timeout (60 s)');
    expect(() => consumer.addQueue(new Queue(stack, 'SecondAlone', { visibilityTimeout: Duration.seconds(360) }))).toThrow(
      'no dead-letter queue',
    );
    consumer.addQueue(hiding('Second', 360), { batchSize: 5, maxConcurrency: 2 });
    const mappings = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping')) as Json[];
    expect(mappings.map((m) => [m.Properties.EventSourceArn['Fn::GetAtt'][0], m.Properties.BatchSize, m.Properties.ScalingConfig])).toEqual(
      [
        [expect.stringMatching(/^First/), 10, undefined],
        [expect.stringMatching(/^Second[0-9A-F]{8}$/), 5, { MaximumConcurrency: 2 }],
      ],
    );
  });
});

describe('the functions that plan and send mail', () => {
  const common = ['TABLE_NAME', 'CONTENT_BUCKET', 'SITE_BUCKET', 'SITE_URL', 'MAIL_FROM', 'NODE_OPTIONS'];
  const jobsUrl = () => imported(jobsQueue()[0]);
  const noticesUrl = () => imported(noticesQueue()[0]);
  const roleName = (s: Json) => s.role.replace(/Role.*$/, '') as string;
  /** The statements of every role on the Email stack's queue `queueId`. */
  const on = (queueId: string) => statements().filter((s) => JSON.stringify(s.Resource).includes(queueId));

  it('give email-jobs both queues it works, the configuration set and its share of SES’s rate', () => {
    const env = environment('emailjobsConsumerFunction');
    expect(Object.keys(env).sort()).toEqual(
      [...common, 'EMAIL_JOBS_QUEUE_URL', 'EMAIL_NOTICES_QUEUE_URL', 'MAIL_RATE_PER_SECOND', 'SES_CONFIGURATION_SET'].sort(),
    );
    expect(env.EMAIL_JOBS_QUEUE_URL).toEqual(jobsUrl());
    expect(env.EMAIL_NOTICES_QUEUE_URL).toEqual(noticesUrl());
    expect(env.SES_CONFIGURATION_SET).toEqual({ 'Fn::ImportValue': expect.stringContaining('ConfigurationSet') });
    expect(env.MAIL_RATE_PER_SECOND).toBe('2');
  });

  it('give send-emails (the planner) and digests the queue of send jobs, and no way to mail', () => {
    expect(Object.keys(environment('sendemailsConsumerFunction')).sort()).toEqual([...common, 'EMAIL_JOBS_QUEUE_URL'].sort());
    expect(Object.keys(environment('DigestsFunction')).sort()).toEqual([...common, 'EMAIL_JOBS_QUEUE_URL'].sort());
    expect(environment('sendemailsConsumerFunction').EMAIL_JOBS_QUEUE_URL).toEqual(jobsUrl());
    expect(environment('DigestsFunction').EMAIL_JOBS_QUEUE_URL).toEqual(jobsUrl());
  });

  it('give the API the queue of subscribe requests alone, and no way to mail', () => {
    const env = environment('ApiFunction', dev.templates.api);
    expect(Object.keys(env).sort()).toEqual([
      'CONTENT_BUCKET',
      'EMAIL_NOTICES_QUEUE_URL',
      'EMBARGO_ROLE_ARN',
      'EMBARGO_SCHEDULE_GROUP',
      'EMBARGO_TARGET_ARN',
      'NODE_OPTIONS',
      'ORIGIN_SECRET',
      'SITE_BUCKET',
      'TABLE_NAME',
    ]);
    expect(env.EMAIL_NOTICES_QUEUE_URL).toEqual(noticesUrl());
    const api = statements().filter((s) => s.role.startsWith('ApiRole'));
    expect(api.filter((s) => actions(s).some((a) => a.startsWith('ses:')))).toEqual([]);
  });

  it('let send-emails, digests and email-jobs (its continuations) send to EmailJobs, and the API alone to EmailNotices, with sqs:SendMessage alone', () => {
    const senders = (queueId: string) => on(queueId).filter((s) => actions(s).some((a) => a.startsWith('sqs:Send')));
    const [jobsId] = jobsQueue();
    const [noticesId] = noticesQueue();
    expect(senders(jobsId).map(roleName).sort()).toEqual(['Digests', 'emailjobsConsumer', 'sendemailsConsumer']);
    // email-jobs only works subscribe requests: a request cut short is retried by SQS, not sent again.
    expect(senders(noticesId).map(roleName)).toEqual(['Api']);
    for (const queueId of [jobsId, noticesId]) {
      for (const s of senders(queueId)) expect(s).toMatchObject({ Action: 'sqs:SendMessage', Resource: imported(queueId, 'Arn') });
    }
  });

  it('let only email-jobs’ event sources receive from either queue', () => {
    for (const [queueId] of [jobsQueue(), noticesQueue()]) {
      const [receivers, others] = partition(on(queueId), (s) => actions(s).includes('sqs:ReceiveMessage'));
      expect(receivers.map(roleName)).toEqual(['emailjobsConsumer']);
      // Every other statement on it sends, and does nothing else.
      for (const s of others) expect(actions(s)).toEqual(['sqs:SendMessage']);
    }
  });

  it('let email-jobs alone mail, as mailFrom only, through the configuration set', () => {
    const mailers = statements().filter((s) => actions(s).some((a) => a.startsWith('ses:')));
    expect([...new Set(mailers.map(roleName))]).toEqual(['emailjobsConsumer']);
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
    // The digests schedule's role (the embargo backstop's invokes publish-scheduled: scheduling.test.ts).
    const scheduler = statements().filter(
      (s) => s.role.startsWith('SchedulerRoleForTarget') && JSON.stringify(s.Resource).includes(fnId as string),
    );
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
  it('defaults to SES’s default account rate shared by the concurrent senders of both queues, rounded down, at least 1', () => {
    const senders = EMAIL_SENDERS + NOTICE_SENDERS;
    expect(resolveConfig('dev', { dev: base }).mailRatePerSecond).toBe(Math.max(1, Math.floor(SES_DEFAULT_RATE / senders)));
    expect(resolveConfig('dev', { dev: base }).mailRatePerSecond).toBe(2);
  });
  it('takes a raised rate from the stage config, and refuses none at all', () => {
    expect(resolveConfig('dev', { dev: { ...base, mailRatePerSecond: 40 } }).mailRatePerSecond).toBe(40);
    expect(() => resolveConfig('dev', { dev: { ...base, mailRatePerSecond: 0 } })).toThrow('mailRatePerSecond');
  });
});
