// The embargo timer on AWS at its outermost SDK call (no local server serves EventBridge Scheduler): one
// one-time schedule per statement, set early enough that the function can publish on the second.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { atExpression, fireTimeOf, SchedulerEmbargoTimer } from '../../shared/adapters/aws/scheduler-embargo-timer.js';

const scheduler = mockClient(SchedulerClient);
const settings = {
  groupName: 'communique-prod-embargoes',
  targetArn: 'arn:aws:lambda:eu-central-1:123456789012:function:publish-scheduled',
  roleArn: 'arn:aws:iam::123456789012:role/embargo-scheduler',
};
const now = new Date('2026-12-01T09:00:00.000Z');
const timer = new SchedulerEmbargoTimer(new SchedulerClient({ region: 'eu-central-1' }), settings, () => now);
const target = { id: '01kb6h3m8xq4w2n7c9d5e1', party: 'kke' };

beforeEach(() => scheduler.reset());

describe('when an embargo schedule fires', () => {
  it('is a minute before the minute of publishAt, since Scheduler fires anywhere within the minute it names', () => {
    expect(fireTimeOf('2026-12-01T12:30:45.500Z', now).toISOString()).toBe('2026-12-01T12:29:00.000Z');
    expect(fireTimeOf('2026-12-01T12:30:00.000Z', now).toISOString()).toBe('2026-12-01T12:29:00.000Z');
  });

  it('is the next whole minute when publishAt is too near for that (the backstop publishes it on time)', () => {
    expect(fireTimeOf('2026-12-01T09:01:30.000Z', now).toISOString()).toBe('2026-12-01T09:01:00.000Z');
    expect(fireTimeOf('2026-12-01T09:00:05.000Z', new Date('2026-12-01T08:59:55.000Z')).toISOString()).toBe('2026-12-01T09:01:00.000Z');
  });

  it('is written as Scheduler’s at() expression, to the second, in UTC', () => {
    expect(atExpression(new Date('2026-12-01T12:29:00.000Z'))).toBe('at(2026-12-01T12:29:00)');
  });
});

describe('SchedulerEmbargoTimer', () => {
  it('creates a one-time schedule that invokes publish-scheduled with the statement and deletes itself', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
    await timer.set(target, '2026-12-01T12:30:45.500Z');
    const [call] = scheduler.commandCalls(CreateScheduleCommand);
    expect(call?.args[0].input).toMatchObject({
      Name: `publish-${target.id}`,
      GroupName: settings.groupName,
      ScheduleExpression: 'at(2026-12-01T12:29:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: settings.targetArn, RoleArn: settings.roleArn, Input: JSON.stringify({ statementId: target.id, party: 'kke' }) },
    });
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it('updates the schedule when the statement has one already (its time was changed)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
    await timer.set(target, '2026-12-02T08:00:00.000Z');
    const [update] = scheduler.commandCalls(UpdateScheduleCommand);
    expect(update?.args[0].input).toMatchObject({ Name: `publish-${target.id}`, ScheduleExpression: 'at(2026-12-02T07:59:00)' });
  });

  it('fails on any other error, so that the API answers 5xx rather than leave a statement without its timer', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new Error('AccessDeniedException'));
    await expect(timer.set(target, '2026-12-02T08:00:00.000Z')).rejects.toThrow('AccessDeniedException');
  });

  it('deletes the schedule on clear, and a schedule already gone (it ran) is no error', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .resolvesOnce({})
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await timer.clear(target);
    await timer.clear(target);
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: `publish-${target.id}`, GroupName: settings.groupName },
      { Name: `publish-${target.id}`, GroupName: settings.groupName },
    ]);
  });
});
