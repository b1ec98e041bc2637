import { createHmac, randomBytes } from 'node:crypto';
import type { Notification, NotificationChannel } from '../domain/notifications/notification';
import { postBefore } from './http-post';
import { PUBLIC_ONLY, type OutboundPolicy } from './outbound-guard';

export const SIGNATURE_HEADER = 'x-tesla-logger-signature';
export const TIMESTAMP_HEADER = 'x-tesla-logger-timestamp';

/** A new shared secret for signing webhook bodies. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: what the receiver recomputes with the shared secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs the notification as JSON, signed with HMAC-SHA256 over the timestamp and the body, so the receiver (Home
 * Assistant, n8n, a phone shortcut) can check it came from here and is fresh. Its `id` lets it drop a repeat.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;

  constructor(
    private readonly config: { url: string; secret: string },
    private readonly policy: OutboundPolicy = PUBLIC_ONLY,
  ) {}

  send(notification: Notification, deadline: number): Promise<void> {
    const body = JSON.stringify({
      id: notification.id,
      kind: notification.kind,
      vin: notification.vin,
      at: new Date(notification.at).toISOString(),
      title: notification.title,
      message: notification.message,
      data: notification.data,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    return postBefore(
      this.config.url,
      deadline,
      { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: webhookSignature(this.config.secret, timestamp, body) },
      body,
      this.policy,
    );
  }
}
