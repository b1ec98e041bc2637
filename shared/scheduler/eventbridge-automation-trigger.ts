import type { CreateScheduleCommandInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Automation, AutomationTrigger } from '../domain/automations/automation';
import { parseCron, toEventBridgeCron } from '../domain/automations/cron-schedule';

export interface EventBridgeTriggerOptions {
  /** The stack's schedule group: deleting the stack deletes every schedule in it. */
  groupName: string;
  /** The automation runner function. */
  runnerArn: string;
  /** The role EventBridge Scheduler assumes; it may invoke only the runner. */
  roleArn: string;
  /** Occurrences the runner could not take after the retries. */
  deadLetterArn: string;
}

/** The schedule's name for an automation (unique in the group). */
export const scheduleName = (id: string): string => `automation-${id}`;

/** The SDK is loaded on first use: only the automation routes need it, and a cold start should not pay for it. */
const sdk = () => import('@aws-sdk/client-scheduler');

/**
 * One EventBridge Scheduler schedule per automation, in the stack's group, targeting the runner with the
 * automation's id and the occurrence's scheduled time (the runner's idempotency key).
 */
export class EventBridgeAutomationTrigger implements AutomationTrigger {
  private client: SchedulerClient | null = null;

  constructor(
    private readonly makeClient: (module: Awaited<ReturnType<typeof sdk>>) => SchedulerClient,
    private readonly options: EventBridgeTriggerOptions,
  ) {}

  /** The SDK module and its client, made on first use. */
  private async scheduler(): Promise<{ m: Awaited<ReturnType<typeof sdk>>; client: SchedulerClient }> {
    const m = await sdk();
    this.client ??= this.makeClient(m);
    return { m, client: this.client };
  }

  async apply(automation: Automation): Promise<void> {
    // A one-off that has had its time, and is off, needs no schedule (EventBridge deletes it after it runs anyway).
    if (automation.schedule.kind === 'once' && !automation.enabled) return this.remove(automation.id);
    const input = this.scheduleFor(automation);
    const { m, client } = await this.scheduler();
    try {
      await client.send(new m.CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof m.ConflictException)) throw error;
      await client.send(new m.UpdateScheduleCommand(input));
    }
  }

  async remove(id: string): Promise<void> {
    const { m, client } = await this.scheduler();
    try {
      await client.send(new m.DeleteScheduleCommand({ Name: scheduleName(id), GroupName: this.options.groupName }));
    } catch (error) {
      if (!(error instanceof m.ResourceNotFoundException)) throw error;
    }
  }

  scheduleFor(automation: Automation): CreateScheduleCommandInput {
    const { schedule } = automation;
    return {
      Name: scheduleName(automation.id),
      GroupName: this.options.groupName,
      Description: automation.name.slice(0, 512),
      ScheduleExpression: schedule.kind === 'cron' ? toEventBridgeCron(parseCron(schedule.cron)) : `at(${schedule.at}:00)`,
      ScheduleExpressionTimezone: schedule.timeZone,
      State: automation.enabled ? 'ENABLED' : 'DISABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: schedule.kind === 'once' ? 'DELETE' : 'NONE',
      Target: {
        Arn: this.options.runnerArn,
        RoleArn: this.options.roleArn,
        // The scheduled time names the occurrence: a redelivery carries the same one, so it never runs twice.
        Input: JSON.stringify({ automationId: automation.id, occurrence: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: { Arn: this.options.deadLetterArn },
      },
    };
  }
}
