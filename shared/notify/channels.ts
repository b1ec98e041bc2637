import type { NotificationChannel, NotificationConfig } from '../domain/notifications/notification';
import { NtfyChannel } from './ntfy-channel';
import { WebhookChannel } from './webhook-channel';
import type { OutboundPolicy } from './outbound-guard';

/** The channels a config sets up; e-mail only where the deployment has a way to send it. */
export function channelsFor(config: NotificationConfig, email: NotificationChannel | null, policy: OutboundPolicy): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (config.webhook) channels.push(new WebhookChannel(config.webhook, policy));
  if (config.ntfy) channels.push(new NtfyChannel(config.ntfy, policy));
  if (config.email && email) channels.push(email);
  return channels;
}
