/** What the owner can be told. */
export const NOTIFICATION_KINDS = [
  'drive_finished',
  'charging_complete',
  'charging_stopped',
  'left_unlocked',
  'sentry_changed',
  'update_available',
  'tyre_low',
  'tyre_pressure_dropping',
  'token_chain_lost',
  'data_stale',
  'streaming_silent',
  'streaming_expiring',
  'budget_80',
  'automation_failed',
  'test',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * One thing that happened. `id` names the event itself (not the reading that showed it), so however often it is
 * seen, it is delivered at most once per channel.
 */
export interface Notification {
  id: string;
  kind: NotificationKind;
  vin: string | null;
  at: number;
  title: string;
  message: string;
  data: Record<string, string | number | boolean | null>;
}

export type ChannelName = 'webhook' | 'ntfy' | 'email';

/** A channel the owner set up, and which kinds it gets (all when `events` is absent). */
interface ChannelBase {
  events?: NotificationKind[];
}
export interface NotificationConfig {
  /** HMAC-SHA256-signed JSON POSTs (Home Assistant, n8n, a phone shortcut). */
  webhook?: ChannelBase & { url: string; secret: string };
  /** An ntfy topic (ntfy.sh or your own server). */
  ntfy?: ChannelBase & { server: string; topic: string; token?: string };
  /** E-mail through the stack's SNS topic (AWS only). */
  email?: ChannelBase;
  /** After this many minutes parked and unlocked, say so (default 10). */
  unlockedMinutes?: number;
}

/** A channel's delivery of one notification. */
export interface Delivery {
  notification: Notification;
  channel: ChannelName;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed' | 'gave_up';
  nextAttemptAt: number | null;
  lastError: string | null;
}

/** Sends one notification on one channel; throws when it was not accepted. Every request has `deadline` (epoch ms). */
export interface NotificationChannel {
  readonly name: ChannelName;
  send(notification: Notification, deadline: number): Promise<void>;
}

/** Where notifications wait to be delivered, remember that they were, and the owner's settings. */
export interface NotificationOutbox {
  getConfig(): Promise<NotificationConfig | null>;
  putConfig(config: NotificationConfig): Promise<void>;
  /** Queues the delivery unless this notification was queued on this channel before; false when it was. */
  enqueue(notification: Notification, channel: ChannelName, now: number): Promise<boolean>;
  /** Deliveries waiting whose next attempt is due. */
  due(now: number, limit: number): Promise<Delivery[]>;
  settle(delivery: Delivery): Promise<void>;
  /** Keeps a delivery made at once (a test), so the recent deliveries show it; nothing is queued. */
  recordAttempt(delivery: Delivery, now: number): Promise<void>;
  recent(limit: number): Promise<Delivery[]>;
  /** Small per-car (or account) memory the detectors keep between readings. */
  getWatch(key: string): Promise<Record<string, unknown> | null>;
  putWatch(key: string, value: Record<string, unknown>): Promise<void>;
}

export function wantsKind(channel: ChannelBase | undefined, kind: NotificationKind): boolean {
  return channel !== undefined && (kind === 'test' || channel.events === undefined || channel.events.includes(kind));
}
