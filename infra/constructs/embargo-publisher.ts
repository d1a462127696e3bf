// EmbargoPublisher: the publish-scheduled function; the schedule group in which the API creates each
// embargo's one-time schedule, and the role EventBridge Scheduler invokes the function with; and the
// per-minute backstop schedule that publishes what is due even where a one-time schedule was never made.
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { type ResolvedConfig, removalPolicy } from '../config.js';
import {
  ATTACHMENT_OBJECTS,
  functionLogs,
  grantList,
  grantObjects,
  grantTable,
  grantTableOnLeadingKeys,
  SCHEDULED_OBJECTS,
  STATEMENT_OBJECTS,
  TABLE_READ,
} from '../stacks/grants.js';
import { AppFunction } from './app-function.js';

/** What publishing writes: the statement (row, links, listings) and the scheduled record it claims and removes. */
export const PUBLISHER_ITEMS = ['STMT#*', 'LISTINGS', 'LIST#*', 'SCHEDULED#*'];
export const PUBLISHER_DELETED_ITEMS = ['SCHEDULED#*'];

export interface EmbargoPublisherProps {
  config: ResolvedConfig;
  table: ITableV2;
  /** The function's environment: the table, the content bucket, the site's origin (as the API has them). */
  environment: Record<string, string>;
}

export class EmbargoPublisher extends Construct {
  readonly function: AppFunction;
  readonly groupName: string;
  /** What EventBridge Scheduler assumes to invoke the function from a one-time schedule. */
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: EmbargoPublisherProps) {
    super(scope, id);
    const { config, table } = props;
    this.function = new AppFunction(this, 'PublishScheduled', {
      name: 'publish-scheduled',
      logs: functionLogs(config),
      environment: props.environment,
      // A one-time schedule fires up to two minutes early (it has 60 s precision); the function waits out the rest.
      timeout: Duration.minutes(4),
    });
    const role = this.function.role;
    grantTable(role, table, TABLE_READ);
    grantTableOnLeadingKeys(role, table, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], PUBLISHER_ITEMS);
    grantTableOnLeadingKeys(role, table, ['dynamodb:DeleteItem'], PUBLISHER_DELETED_ITEMS);
    grantObjects(role, config, 'content', ['statements/*'], ['s3:GetObject', 's3:PutObject'], STATEMENT_OBJECTS);
    grantObjects(role, config, 'content', ['scheduled/*'], ['s3:GetObject', 's3:DeleteObject'], SCHEDULED_OBJECTS);
    grantList(role, config, 'content', 'scheduled/');
    // A statement's attachments are put on the site when it is published: read from where they are kept.
    grantObjects(role, config, 'content', ['attachments/*'], ['s3:GetObject'], ATTACHMENT_OBJECTS);
    grantObjects(role, config, 'site', ['files/*'], ['s3:PutObject'], ATTACHMENT_OBJECTS);
    // A failed run is not retried by Lambda: the backstop runs again within the minute.
    this.function.fn.configureAsyncInvoke({ retryAttempts: 0 });

    this.groupName = `${config.prefix}-embargoes`;
    new ScheduleGroup(this, 'Group', { scheduleGroupName: this.groupName, removalPolicy: removalPolicy(config) });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler invokes publish-scheduled from the one-time schedules of embargoes',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.scheduleArn('*') },
        },
      }),
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.fn.functionArn] }),
    );

    new Schedule(this, 'Backstop', {
      description: 'Communiqué: publish the scheduled statements due before the next run, each at its time',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      // The next run is a minute away: no retries.
      target: new LambdaInvoke(this.function.fn, { input: ScheduleTargetInput.fromObject({ due: true }), retryAttempts: 0 }),
    });
    // LambdaInvoke gives the schedule's role (the CDK's, made at the stack's level, with confused-deputy
    // conditions) grantInvoke, which adds arn:*.
    const stack = Stack.of(this);
    const fnId = stack.getLogicalId(this.function.fn.node.defaultChild as CfnFunction);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      reason:
        "The backstop schedule's role may invoke publish-scheduled only; grantInvoke adds its versions and aliases (arn:*), of which it has none.",
    });
  }

  /** The ARN of a schedule in the group (`*`: any of them). */
  private scheduleArn(name: string): string {
    return `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${this.groupName}/${name}`;
  }

  /**
   * Lets the API create, move and delete embargo schedules in the group, and hand Scheduler the role that
   * invokes publish-scheduled; its environment names the three.
   */
  allowScheduling(api: AppFunction): void {
    const grantee: IGrantable = api.role;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [this.scheduleArn('*')],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(api).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.groupName}/*]`,
      reason: 'Each embargo has a one-time schedule of its own, named by its statement id, in the embargoes group only.',
    });
    api.fn.addEnvironment('EMBARGO_SCHEDULE_GROUP', this.groupName);
    api.fn.addEnvironment('EMBARGO_TARGET_ARN', this.function.fn.functionArn);
    api.fn.addEnvironment('EMBARGO_ROLE_ARN', this.schedulerRole.roleArn);
  }
}
