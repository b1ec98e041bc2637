import type { CollectorSummary } from '../collector';
import type { Snapshot } from '../snapshot';
import type { VehicleStore } from '../stores';
import type { NotificationOutbox } from './notification';
import { DEFAULT_UNLOCKED_MINUTES, NEW_WATCH, noticesFromPass, noticesFromReading, tokenChainLost, type CarWatch } from './notification-detectors';
import { DELIVERY_BUDGET_MS, type Notifier } from './notifier';

const ACCOUNT_WATCH = 'account';

/**
 * The collector's side of notifications: each new reading is compared with the one before (the detectors' memory
 * kept per car), and after the pass the cars' health and budget are looked at, then what is due is delivered within
 * a budget. Nothing here can fail a reading or a pass: the caller catches and logs.
 */
export class CollectorNotices {
  constructor(
    private readonly notifier: Notifier,
    private readonly outbox: NotificationOutbox,
    private readonly vehicles: VehicleStore,
  ) {}

  /** Compares a new reading with the one the detectors saw before it, kept in their memory (no extra read). */
  async onReading(car: { vin: string; displayName: string | null }, current: Snapshot): Promise<void> {
    const config = await this.outbox.getConfig();
    if (config === null) return;
    const stored = (await this.outbox.getWatch(car.vin)) as (Partial<CarWatch> & { last?: Snapshot | null }) | null;
    const { last: previous = null, ...rest } = stored ?? {};
    const watch: CarWatch = { ...NEW_WATCH, ...rest };
    const { notices, watch: next } = noticesFromReading(
      car.vin,
      car.displayName ?? car.vin,
      previous,
      current,
      watch,
      config.unlockedMinutes ?? DEFAULT_UNLOCKED_MINUTES,
    );
    await this.notifier.notify(notices, config);
    // A reading older than the last one seen (a retried pass) does not replace it.
    const last = previous !== null && previous.takenAt > current.takenAt ? previous : current;
    await this.outbox.putWatch(car.vin, { ...next, last });
  }

  async afterPass(summary: CollectorSummary, now: number): Promise<void> {
    const config = await this.outbox.getConfig();
    if (config === null) return;
    if ((await this.outbox.getWatch(ACCOUNT_WATCH))?.tokenLostSince != null) await this.outbox.putWatch(ACCOUNT_WATCH, { tokenLostSince: null });
    for (const outcome of summary.vehicles) {
      const record = await this.vehicles.getVehicle(outcome.vin);
      const name = record?.displayName ?? outcome.vin;
      await this.notifier.notify(noticesFromPass(outcome.vin, name, record?.problem, outcome.budgetUsedPercent, now, outcome.streamingExpiresAt), config);
    }
    await this.notifier.deliverDue(DELIVERY_BUDGET_MS, config);
  }

  /** The pass could not run because Tesla refused the login: one notice per loss, until a pass works again. */
  async loginLost(now: number): Promise<void> {
    const config = await this.outbox.getConfig();
    if (config === null) return;
    const since = (await this.outbox.getWatch(ACCOUNT_WATCH))?.tokenLostSince;
    const lostSince = typeof since === 'number' ? since : now;
    if (since !== lostSince) await this.outbox.putWatch(ACCOUNT_WATCH, { tokenLostSince: lostSince });
    await this.notifier.sendNow([tokenChainLost(lostSince)], config);
  }
}
