import type { Notification, NotificationChannel } from '../domain/notifications/notification';
import { postBefore } from './http-post';
import { PUBLIC_ONLY, type OutboundPolicy } from './outbound-guard';

const TAGS: Partial<Record<Notification['kind'], string>> = {
  drive_finished: 'red_car',
  charging_complete: 'battery',
  charging_stopped: 'warning',
  left_unlocked: 'unlock',
  sentry_changed: 'eyes',
  update_available: 'arrow_down',
  token_chain_lost: 'rotating_light',
  data_stale: 'hourglass',
  streaming_silent: 'satellite',
  streaming_expiring: 'calendar',
  budget_80: 'money_with_wings',
  automation_failed: 'x',
};

/** Publishes to an ntfy topic (ntfy.sh or your own server) with a title and an emoji tag. */
export class NtfyChannel implements NotificationChannel {
  readonly name = 'ntfy' as const;

  constructor(
    private readonly config: { server: string; topic: string; token?: string },
    private readonly policy: OutboundPolicy = PUBLIC_ONLY,
  ) {}

  send(notification: Notification, deadline: number): Promise<void> {
    const url = `${this.config.server.replace(/\/+$/, '')}/${encodeURIComponent(this.config.topic)}`;
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      // HTTP headers carry Latin-1 only; ntfy reads RFC 2047 encoded words for the rest.
      title: `=?UTF-8?B?${Buffer.from(notification.title).toString('base64')}?=`,
      tags: TAGS[notification.kind] ?? 'bell',
      priority: notification.kind === 'token_chain_lost' || notification.kind === 'left_unlocked' ? 'high' : 'default',
    };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    return postBefore(url, deadline, headers, notification.message, this.policy);
  }
}
