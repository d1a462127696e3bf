// Template assertions for embargoes on AWS: publish-scheduled, the schedule group the API creates each
// embargo's one-time schedule in, the role Scheduler invokes it with, the per-minute backstop, and least
// privilege on each side.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHER_DELETED_ITEMS, PUBLISHER_ITEMS } from '../../infra/constructs/embargo-publisher.js';
import { buildApp } from './app-fixture.js';

type Built = ReturnType<typeof buildApp>;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON, read by path.
type Json = Record<string, any>;
let dev: Built;

beforeAll(() => {
  dev = buildApp('dev');
}, 120_000);

const apiResources = (type: string) => Object.entries(dev.templates.api.findResources(type)) as Array<[string, Json]>;
const idOf = (prefix: string, type: string) => apiResources(type).find(([id]) => id.startsWith(prefix))?.[0] as string;
const statementsOfRole = (rolePrefix: string): Json[] =>
  apiResources('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(rolePrefix))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
const GROUP_SCHEDULES = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':scheduler:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':schedule/communique-dev-embargoes/*',
    ],
  ],
};

describe('embargoes on AWS', () => {
  it('run publish-scheduled on the project defaults, long enough to wait out an early fire', () => {
    dev.templates.api.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Timeout: 240,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^EmbargoesPublishScheduledLogs') } },
    });
    dev.templates.api.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/communique/dev/publish-scheduled' });
  });

  it('keep the one-time schedules in a group of their own, and run a backstop every minute that publishes what is due', () => {
    const fn = idOf('EmbargoesPublishScheduledFunction', 'AWS::Lambda::Function');
    dev.templates.api.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'communique-dev-embargoes' });
    dev.templates.api.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, Input: '{"due":true}' }),
    });
  });

  it('tell the API the group, the function and the role its schedules use', () => {
    const variables = apiResources('AWS::Lambda::Function').find(([id]) => id.startsWith('ApiFunction'))?.[1].Properties.Environment
      .Variables;
    expect(variables).toMatchObject({
      EMBARGO_SCHEDULE_GROUP: 'communique-dev-embargoes',
      EMBARGO_TARGET_ARN: { 'Fn::GetAtt': [idOf('EmbargoesPublishScheduledFunction', 'AWS::Lambda::Function'), 'Arn'] },
      EMBARGO_ROLE_ARN: { 'Fn::GetAtt': [idOf('EmbargoesSchedulerRole', 'AWS::IAM::Role'), 'Arn'] },
    });
  });

  it('let the API create, move and delete schedules in that group only, and pass the scheduler role to Scheduler only', () => {
    const statements = statementsOfRole('ApiRole');
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('scheduler:'))).toEqual([
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        Resource: GROUP_SCHEDULES,
      },
    ]);
    expect(statements.filter((s) => s.Action === 'iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [idOf('EmbargoesSchedulerRole', 'AWS::IAM::Role'), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('let Scheduler, for this account’s embargo schedules only, invoke publish-scheduled and nothing else', () => {
    const role = apiResources('AWS::IAM::Role').find(([id]) => id.startsWith('EmbargoesSchedulerRole'))?.[1];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': GROUP_SCHEDULES } },
      },
    ]);
    expect(statementsOfRole('EmbargoesSchedulerRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [idOf('EmbargoesPublishScheduledFunction', 'AWS::Lambda::Function'), 'Arn'] },
      },
    ]);
  });

  it('let publish-scheduled write statements and scheduled records only, and read and delete only scheduled inputs', () => {
    const statements = statementsOfRole('EmbargoesPublishScheduledRole');
    const leading = (action: string) =>
      statements.find((s) => [s.Action].flat().includes(action) && s.Condition)?.Condition['ForAllValues:StringLike'][
        'dynamodb:LeadingKeys'
      ];
    expect(leading('dynamodb:PutItem')).toEqual(PUBLISHER_ITEMS);
    expect(leading('dynamodb:DeleteItem')).toEqual(PUBLISHER_DELETED_ITEMS);
    const objects = statements
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:') && a !== 's3:ListBucket'))
      .map(
        (s) =>
          `${[s.Action].flat().join(',')} ${JSON.stringify(s.Resource)
            .match(/(content|site)-.*?(\/[^"]*)"\]\]\}/)
            ?.slice(1)
            .join('')}`,
      );
    // An embargoed statement's attachments reach the site when it is published: read where kept, put under files/.
    expect(objects.sort()).toEqual([
      's3:GetObject content/attachments/*',
      's3:GetObject,s3:DeleteObject content/scheduled/*',
      's3:GetObject,s3:PutObject content/statements/*',
      's3:PutObject site/files/*',
    ]);
  });

  it('alarm on publish-scheduled’s errors', () => {
    dev.templates.ops.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^publish-scheduled raised errors'),
    });
  });
});
