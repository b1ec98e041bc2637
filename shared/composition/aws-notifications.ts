import type { LambdaSettings } from '../config/lambda-settings';
import type { Automation, AutomationRun } from '../domain/automations/automation';
import { CollectorNotices } from '../domain/notifications/collector-notices';
import { automationFailed } from '../domain/notifications/notification-detectors';
import { Notifier } from '../domain/notifications/notifier';
import type { Log } from '../domain/stores';
import { channelsFor } from '../notify/channels';
import { PUBLIC_ONLY } from '../notify/outbound-guard';
import { SnsEmailChannel } from '../notify/sns-email-channel';
import { DynamoDbNotificationOutbox } from '../store/dynamodb-notification-outbox';
import type { buildAwsDeps } from './aws';

/** Notifications in AWS: the queue in the table, webhook and ntfy over HTTPS, e-mail through the stack's topic. */
export function awsNotifications(aws: ReturnType<typeof buildAwsDeps>, settings: LambdaSettings, log: Log) {
  const outbox = new DynamoDbNotificationOutbox({ client: aws.dynamo, tableName: settings.tableName });
  const email = settings.notifyTopicArn
    ? new SnsEmailChannel(
        (sns) => new sns.SNSClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 }, maxAttempts: 2 }),
        settings.notifyTopicArn,
      )
    : null;
  // In AWS a notification goes to public addresses only: nothing on the function's own network is a target.
  const notifier = new Notifier({ outbox, channels: (config) => channelsFor(config, email, PUBLIC_ONLY), clock: aws.clock, log });
  return {
    outbox,
    notifier,
    emailAvailable: email !== null,
    policy: PUBLIC_ONLY,
    collectorNotices: new CollectorNotices(notifier, outbox, aws.stores),
    automationFailed: (automation: Automation, run: AutomationRun): Promise<void> => notifier.sendNow([automationFailed(automation, run)]),
  };
}
