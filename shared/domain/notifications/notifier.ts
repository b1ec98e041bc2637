import type { Clock } from '../clock';
import type { Log } from '../stores';
import {
  wantsKind,
  type ChannelName,
  type Delivery,
  type Notification,
  type NotificationChannel,
  type NotificationConfig,
  type NotificationOutbox,
} from './notification';

/** Waits before the next attempt after each failure; after the last, the delivery is given up. */
export const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 12 * 3_600_000];
/** One request to a channel never takes longer than this. */
export const CHANNEL_REQUEST_MS = 4_000;
/** How long one invocation may spend delivering notifications, after its own work is done. */
export const DELIVERY_BUDGET_MS = 8_000;

export interface NotifierDeps {
  outbox: NotificationOutbox;
  /** The channels the owner's config sets up (adapters: webhook, ntfy, SNS e-mail). */
  channels: (config: NotificationConfig) => NotificationChannel[];
  clock: Clock;
  log: Log;
}

/**
 * Queues notifications for the channels that want them (each at most once per event and channel), and delivers what
 * is due within a budget: a failed channel is retried later with backoff and never holds up the caller or the other
 * channels. The queue is the table, so a delivery that fails in one invocation is retried by a later one.
 */
export class Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** Queues the notices; `config` when the caller has just read it (saves reading it again). */
  async notify(notices: readonly Notification[], known?: NotificationConfig | null): Promise<number> {
    if (notices.length === 0) return 0;
    const config = known === undefined ? await this.deps.outbox.getConfig() : known;
    if (config === null) return 0;
    const now = this.deps.clock.now();
    let queued = 0;
    for (const notice of notices) {
      for (const channel of configuredChannels(config)) {
        if (wantsKind(config[channel], notice.kind) && (await this.deps.outbox.enqueue(notice, channel, now))) queued += 1;
      }
    }
    return queued;
  }

  /** Delivers what is due, until `budgetMs` is spent; returns the deliveries it settled. */
  async deliverDue(budgetMs: number, known?: NotificationConfig | null): Promise<Delivery[]> {
    const started = Date.now();
    const config = known === undefined ? await this.deps.outbox.getConfig() : known;
    if (config === null) return [];
    const channels = new Map(this.deps.channels(config).map((c) => [c.name, c]));
    const due = await this.deps.outbox.due(this.deps.clock.now(), 50);
    const settled: Delivery[] = [];
    // Channels in parallel, each channel's deliveries in order, so one slow channel delays only itself.
    await Promise.all(
      [...groupBy(due, (d) => d.channel)].map(async ([name, deliveries]) => {
        for (const delivery of deliveries) {
          const remaining = budgetMs - (Date.now() - started);
          if (remaining < 500) return;
          settled.push(await this.attempt(delivery, channels.get(name), Math.min(CHANNEL_REQUEST_MS, remaining)));
        }
      }),
    );
    return settled;
  }

  /** Queues the notices and delivers what is due at once, within the delivery budget (a failed automation, a lost login). */
  async sendNow(notices: readonly Notification[], known?: NotificationConfig | null): Promise<void> {
    const config = known === undefined ? await this.deps.outbox.getConfig() : known;
    await this.notify(notices, config);
    await this.deliverDue(DELIVERY_BUDGET_MS, config);
  }

  /** Sends one test notification to every configured channel at once, and says how each went. */
  async test(): Promise<Record<string, string>> {
    const config = await this.deps.outbox.getConfig();
    const now = this.deps.clock.now();
    const notice: Notification = {
      id: `test:${now}`,
      kind: 'test',
      vin: null,
      at: now,
      title: 'Tesla Fleet logger: test',
      message: 'If you read this, notifications reach you.',
      data: {},
    };
    const results: Record<string, string> = {};
    await Promise.all(
      this.deps.channels(config ?? {}).map(async (channel) => {
        let lastError: string | null = null;
        try {
          await channel.send(notice, Date.now() + CHANNEL_REQUEST_MS);
          results[channel.name] = 'delivered';
        } catch (error) {
          lastError = describe(error);
          results[channel.name] = `failed: ${lastError}`;
        }
        // Kept with the other deliveries, so GET /notifications shows the test and how it went.
        const delivery: Delivery = {
          notification: notice,
          channel: channel.name,
          attempts: 1,
          status: lastError === null ? 'delivered' : 'gave_up',
          nextAttemptAt: null,
          lastError,
        };
        await this.deps.outbox.recordAttempt(delivery, now).catch(() => undefined);
      }),
    );
    return results;
  }

  private async attempt(delivery: Delivery, channel: NotificationChannel | undefined, timeoutMs: number): Promise<Delivery> {
    const attempts = delivery.attempts + 1;
    let settled: Delivery;
    try {
      if (!channel) throw new Error('the channel is no longer configured');
      await channel.send(delivery.notification, Date.now() + timeoutMs);
      settled = { ...delivery, attempts, status: 'delivered', nextAttemptAt: null, lastError: null };
    } catch (error) {
      const wait = channel ? RETRY_BACKOFF_MS[attempts - 1] : undefined;
      const lastError = describe(error);
      settled =
        wait === undefined
          ? { ...delivery, attempts, status: 'gave_up', nextAttemptAt: null, lastError }
          : { ...delivery, attempts, status: 'failed', nextAttemptAt: this.deps.clock.now() + wait, lastError };
      this.deps.log.warn('notification not delivered', { channel: delivery.channel, kind: delivery.notification.kind, attempts, error: lastError });
    }
    await this.deps.outbox.settle(settled);
    return settled;
  }
}

export function configuredChannels(config: NotificationConfig): ChannelName[] {
  return (['webhook', 'ntfy', 'email'] as const).filter((name) => config[name] !== undefined);
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** An error as one line without secrets: channels never put the URL's query or a token in their messages. */
function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
