import type { SNSClient } from '@aws-sdk/client-sns';
import type { Notification, NotificationChannel } from '../domain/notifications/notification';

/** Loaded on first use: most passes send no e-mail, and a cold start should not pay for the SDK. */
const sdk = () => import('@aws-sdk/client-sns');

/** E-mail through the stack's notifications topic (its subscriber confirms once, from the e-mail AWS sends). */
export class SnsEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private client: SNSClient | null = null;

  constructor(
    private readonly makeClient: (module: Awaited<ReturnType<typeof sdk>>) => SNSClient,
    private readonly topicArn: string,
  ) {}

  async send(notification: Notification, deadline: number): Promise<void> {
    const m = await sdk();
    this.client ??= this.makeClient(m);
    await this.client.send(
      new m.PublishCommand({
        TopicArn: this.topicArn,
        Subject: notification.title.slice(0, 99),
        Message: `${notification.message}\n\n${JSON.stringify(notification.data, null, 2)}`,
      }),
      {
        abortSignal: AbortSignal.timeout(Math.max(100, deadline - Date.now())),
      },
    );
  }
}

/** Locally there is no SNS: the e-mail channel prints what it would send. */
export class ConsoleEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;

  constructor(private readonly print: (line: string) => void) {}

  send(notification: Notification): Promise<void> {
    this.print(`email (local, not sent): ${notification.title} — ${notification.message}`);
    return Promise.resolve();
  }
}
