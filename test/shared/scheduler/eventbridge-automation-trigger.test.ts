import { describe, expect, it } from '@jest/globals';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import type { Automation } from '../../../shared/domain/automations/automation';
import { EventBridgeAutomationTrigger } from '../../../shared/scheduler/eventbridge-automation-trigger';

const OPTIONS = {
  groupName: 'grp',
  runnerArn: 'arn:aws:lambda:eu-west-1:1:function:runner',
  roleArn: 'arn:aws:iam::1:role/sched',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:1:dlq',
};
const automation = (over: Partial<Automation> = {}): Automation => ({
  id: '00001a-abc',
  name: 'Precondition',
  vin: '5YJ3E7EB0SF000001',
  command: 'auto_conditioning_start',
  body: {},
  schedule: { kind: 'cron', cron: '30 7 * * 1-5', timeZone: 'Europe/Berlin' },
  enabled: true,
  conditions: [],
  createdAt: 0,
  updatedAt: 0,
  lastRun: null,
  ...over,
});

describe('EventBridge Scheduler trigger', () => {
  it('makes one schedule per automation in the group, in the owner’s zone, invoking only the runner with the occurrence time', async () => {
    const sm = mockClient(SchedulerClient);
    sm.on(CreateScheduleCommand).resolves({});
    await new EventBridgeAutomationTrigger(() => new SchedulerClient({}), OPTIONS).apply(automation());
    const input = sm.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Name: 'automation-00001a-abc',
      GroupName: 'grp',
      ScheduleExpression: 'cron(30 7 ? * MON,TUE,WED,THU,FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'NONE',
      Target: { Arn: OPTIONS.runnerArn, RoleArn: OPTIONS.roleArn, DeadLetterConfig: { Arn: OPTIONS.deadLetterArn }, RetryPolicy: { MaximumRetryAttempts: 2 } },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual({ automationId: '00001a-abc', occurrence: '<aws.scheduler.scheduled-time>' });
  });

  it('replaces an existing schedule, disables it with the automation, and deletes a one-off after it ran', async () => {
    const sm = mockClient(SchedulerClient);
    sm.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    sm.on(UpdateScheduleCommand).resolves({});
    const trigger = new EventBridgeAutomationTrigger(() => new SchedulerClient({}), OPTIONS);
    await trigger.apply(automation({ enabled: false }));
    expect(sm.commandCalls(UpdateScheduleCommand)[0]!.args[0].input.State).toBe('DISABLED');
    expect(trigger.scheduleFor(automation({ schedule: { kind: 'once', at: '2026-12-01T07:30', timeZone: 'Europe/Berlin' } }))).toMatchObject({
      ScheduleExpression: 'at(2026-12-01T07:30:00)',
      ActionAfterCompletion: 'DELETE',
    });
  });

  it('removes a schedule, and treats one already gone as removed', async () => {
    const sm = mockClient(SchedulerClient);
    sm.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(new EventBridgeAutomationTrigger(() => new SchedulerClient({}), OPTIONS).remove('x')).resolves.toBeUndefined();
    expect(sm.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({ Name: 'automation-x', GroupName: 'grp' });
  });
});
