import { keptQueue } from './kept-queue';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import { acknowledge } from './compliance-checks';
import { nodeLambda } from './node-lambda';

export interface AutomationsProps {
  /** The readers' environment (table, secrets, settings). */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** The API function, which creates and deletes the schedules. */
  apiFn: IFunction;
}

/** The runner's budget: the command's 22 s inside, the table and secret reads around it. */
export const AUTOMATION_RUNNER_TIMEOUT = Duration.seconds(40);

/** An occurrence later than this is not run at all (the schedules' own retry policy uses the same age). */
export const AUTOMATION_MAX_EVENT_AGE = Duration.minutes(15);

/**
 * Scheduled commands on EventBridge Scheduler. The stack owns the schedule group, so deleting the stack deletes every
 * schedule the API made in it: nothing can be orphaned. Schedules may only invoke the runner (their role allows
 * nothing else), and an occurrence the runner never took lands in a dead-letter queue.
 */
export class Automations extends Construct {
  readonly runnerFn: LambdaFunction;
  readonly group: ScheduleGroup;
  readonly deadLetters: Queue;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: AutomationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    this.deadLetters = keptQueue(this, 'DeadLetters');
    this.runnerFn = nodeLambda(stack, 'AutomationRunnerFunction', {
      entry: 'functions/automation-runner/handler.ts',
      timeout: AUTOMATION_RUNNER_TIMEOUT,
      environment: props.environment,
      logRetention: props.logRetention,
    });
    // The schedules' retry policy and dead-letter queue cover delivery to Lambda only; a run that fails is retried by
    // Lambda (safe: each occurrence is claimed once, so a retry never sends the command twice), for as long as an
    // occurrence is worth running, then parked in the same queue.
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    this.runnerFn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: AUTOMATION_MAX_EVENT_AGE, onFailure: new SqsDestination(this.deadLetters) });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'Assumed by the automation schedules: may invoke the runner and park undeliverable occurrences, nothing else',
    });
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.runnerFn.functionArn] }));
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));

    // The API manages schedules only in this group, and may hand the schedules only this role.
    const schedules = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.group.scheduleGroupName}/automation-*` });
    props.apiFn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [schedules],
      }),
    );
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    acknowledge(
      props.apiFn.role!,
      'Each automation gets its own schedule, named when the owner creates it: the API may manage only schedules named automation-* in the stack’s own group.',
      `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${this.group.scheduleGroupName}/automation-*]`,
    );
    props.apiFn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }

  /** What the API needs to make schedules. */
  get apiEnvironment(): Record<string, string> {
    return {
      AUTOMATION_GROUP: this.group.scheduleGroupName,
      AUTOMATION_RUNNER_ARN: this.runnerFn.functionArn,
      AUTOMATION_ROLE_ARN: this.schedulerRole.roleArn,
      AUTOMATION_DLQ_ARN: this.deadLetters.queueArn,
    };
  }
}
