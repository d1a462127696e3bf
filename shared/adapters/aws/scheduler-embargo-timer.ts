// The embargo timer on AWS: one EventBridge Scheduler one-time schedule per scheduled statement, in the
// platform's schedule group, invoking publish-scheduled with the statement's key, deleted once it ran.
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { ScheduledTarget } from '../../domain/scheduled.js';
import type { EmbargoTimer } from '../../ports.js';

export interface EmbargoScheduleSettings {
  groupName: string;
  /** The publish-scheduled function. */
  targetArn: string;
  /** The role Scheduler assumes to invoke it. */
  roleArn: string;
}

const MINUTE_MS = 60_000;
/** Scheduler refuses a one-time schedule in the past; a fire time nearer than this counts as past. */
const LEAD_MS = 10_000;

/**
 * When the schedule should fire. Scheduler fires within the minute it names (60 s precision), so it is
 * set a minute before the publishAt's minute and the function waits out the rest: it publishes on time,
 * never early. A publishAt too near for that gets the next whole minute, a late second chance after
 * the per-minute backstop (publishDue), which looks ahead and publishes on time.
 */
export function fireTimeOf(publishAt: string, now: Date): Date {
  const early = Math.floor(Date.parse(publishAt) / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  if (early >= now.getTime() + LEAD_MS) return new Date(early);
  return new Date(Math.ceil((now.getTime() + LEAD_MS) / MINUTE_MS) * MINUTE_MS);
}

/** Scheduler's one-time expression, in UTC (ScheduleExpressionTimezone). */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** Statement ids are unique and Scheduler-safe ([0-9a-z], 21 characters). */
export function scheduleName(target: ScheduledTarget): string {
  return `publish-${target.id}`;
}

export class SchedulerEmbargoTimer implements EmbargoTimer {
  constructor(
    private readonly client: SchedulerClient,
    private readonly settings: EmbargoScheduleSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Create or, when the statement's schedule exists already (a change of time), update: both take the whole definition. */
  async set(target: ScheduledTarget, publishAt: string): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(target),
      GroupName: this.settings.groupName,
      ScheduleExpression: atExpression(fireTimeOf(publishAt, this.now())),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Description: `Communiqué: publish statement ${target.id} at ${publishAt}`,
      Target: {
        Arn: this.settings.targetArn,
        RoleArn: this.settings.roleArn,
        Input: JSON.stringify({ statementId: target.id, party: target.party }),
        // Past the hour the backstop has long published it.
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3_600 },
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (e) {
      if ((e as Error)?.name !== 'ConflictException') throw e;
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  async clear(target: ScheduledTarget): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleName(target), GroupName: this.settings.groupName }));
    } catch (e) {
      if ((e as Error)?.name !== 'ResourceNotFoundException') throw e;
    }
  }
}
