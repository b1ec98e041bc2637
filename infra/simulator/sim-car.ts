import { HOUR_MS, MINUTE_MS } from '../../shared/domain/clock';
import { activityAt, softwareAt, type Activity, type Hold } from './drive-profile';
import { dcChargeKw, driveWhPerMile, integrateCharge, packOf, parkedDrawKw, percentOf, wholeAmpsKw, type SimPack } from './sim-energy';
import { PoorSignal } from './sim-poor-signal';
import { SimSleep } from './sim-sleep';
import { SimTruth } from './sim-truth';
import { applyCommand } from './sim-car-commands';
import type { CarState, CommandOutcome, SimCarOptions } from './sim-car-types';
import { chargeStateOf, climateStateOf, driveStateOf, SIM_TYRE_BAR, simPosition, vehicleStateOf, vehicleSummaryOf } from './sim-vehicle-data';

const CLIMATE_AUTO_OFF_MS = 30 * MINUTE_MS;
/** A car that has charged to its limit and stays plugged in charges again only after losing this much, as real ones do. */
const TOP_UP_POINTS = 2;
const DEFAULT_OUTSIDE_TEMP_C = 12;

/**
 * One simulated car. Its life follows the drive profile; between requests it is advanced lazily to the clock's time.
 * It sleeps as sim-sleep.ts says (sentry, climate and an install hold it awake); its battery follows sim-energy.ts.
 */
export class SimCar {
  readonly vin: string;
  readonly id: number;
  readonly displayName: string;
  readonly requiresSigning: boolean;
  readonly supportsSigning: boolean;
  readonly inFleetStatus: boolean;
  offline = false;

  odometerMi: number;
  batteryLevel: number;
  locked = true;
  sentryMode = false;
  chargeLimit = 80;
  /** kWh added in the current or last session, as the car's `charge_energy_added` counts it (reset at the next plug-in). */
  private sessionEnergyKwh = 0;
  /** What the car drew from the charger for it (more than it added: charging loses some). */
  private sessionDrawnKwh = 0;
  private pluggedIn = false;
  /** Reached the limit since it was plugged in: it tops up only once the level has fallen TOP_UP_POINTS below. */
  private fullThisPlug = false;
  chargingAmps = 16;
  driverTemp = 21;
  passengerTemp = 21;
  chargePortOpen = false;
  seatHeaters = new Map<number, number>();

  private climateOffAt: number | null = null;
  private activity: Activity = { kind: 'park', hold: null };
  private activityUntil = 0;
  private chargeStoppedUntil: number | null = null;
  private t: number;
  private readonly sleep: SimSleep;
  private readonly signal: PoorSignal;
  /** Ground truth for benchmarks: every drive and charging session as it happened. */
  readonly truth = new SimTruth();
  private readonly anchor: number;
  /** When the car's simulated life began: software updates count from here. */
  private readonly createdAt: number;
  /** The round trip the car is on, or was last on (it is home at its end). */
  private loop = { startOdo: 0, lengthMi: 1 };
  /** Its battery, worn as the profile says: the capacity a battery-health estimate should find. */
  readonly pack: SimPack;

  constructor(
    private readonly options: SimCarOptions,
    now: number,
  ) {
    ({ vin: this.vin, id: this.id, displayName: this.displayName } = options);
    this.requiresSigning = options.requiresSigning ?? false;
    this.supportsSigning = options.supportsSigning ?? true;
    this.inFleetStatus = options.inFleetStatus ?? true;
    this.odometerMi = options.odometerMi ?? 12_000;
    this.batteryLevel = options.batteryLevel ?? 70;
    this.pack = packOf(options.profile.batteryHealthPercent);
    this.locked = options.locked ?? true;
    this.sentryMode = options.sentryMode ?? false;
    this.anchor = options.anchor ?? 0;
    this.signal = new PoorSignal(options.poorConnectivity ?? 0);
    this.sleep = new SimSleep(now, options.sleepAfterMs ?? 15 * MINUTE_MS, options.wakeDelayMs ?? 20_000);
    this.t = now;
    this.createdAt = now;
    ({ activity: this.activity, until: this.activityUntil } = activityAt(options.profile, this.anchor, now, now));
  }

  get climateOn(): boolean {
    return this.climateOffAt !== null || this.hold() === 'climate';
  }

  get sentryOn(): boolean {
    return this.sentryMode || this.hold() === 'sentry';
  }

  private hold(activity: Activity = this.activity): Hold | null {
    return activity.kind === 'park' ? activity.hold : null;
  }

  private get outsideTempC(): number {
    return this.options.profile.outsideTempC ?? DEFAULT_OUTSIDE_TEMP_C;
  }

  private get asleep(): boolean {
    return this.sleep.asleep;
  }

  /** Time the car stayed awake only because data requests kept resetting its sleep timer. */
  get awakeByPollingMs(): number {
    return this.sleep.awakeByPollingMs;
  }

  get currentActivity(): Activity['kind'] {
    return this.activity.kind;
  }

  /** Moves the car's life forward to `now`. */
  advanceTo(now: number): void {
    while (this.t < now) {
      const { activity, until } = activityAt(this.options.profile, this.anchor, this.t, this.createdAt);
      this.activity = activity;
      const end = Math.min(until, now, this.climateOffAt ?? Infinity, this.sleep.nextChangeAfter(this.t, this.heldAwake()));
      this.activityUntil = until;
      this.live(activity, this.t, end);
      if (this.climateOffAt !== null && this.climateOffAt <= end) {
        // Climate ending is the car's own activity: like a drive, it starts the ~15-minute countdown to sleep.
        this.climateOffAt = null;
        this.sleep.ownActivityEnded(end, true);
      }
      if (this.chargeStoppedUntil !== null && this.chargeStoppedUntil <= end) this.chargeStoppedUntil = null;
      this.sleep.settle(end, this.heldAwake());
      this.t = end;
    }
    // What begins exactly now (a drive, a charge) already counts: a car pulling away this instant is online.
    const current = activityAt(this.options.profile, this.anchor, now, this.createdAt);
    this.activity = current.activity;
    this.activityUntil = current.until;
    // Plugged in this instant: the car's session counter starts over at once, as Tesla's does.
    if (current.activity.kind === 'charge' && !this.pluggedIn) this.plugIn();
    const ownDoing =
      current.activity.kind === 'drive' ||
      (current.activity.kind === 'park' && current.activity.hold !== null) ||
      (current.activity.kind === 'charge' && this.isChargingNow(current.activity));
    if (ownDoing) this.sleep.ownDoingBegins(now);
  }

  private live(activity: Activity, from: number, to: number): void {
    const hours = (to - from) / HOUR_MS;
    if (activity.kind === 'drive') return this.drive(activity.speedMph, from, to);
    this.truth.stopped(from, this.odometerMi);
    if (activity.kind !== 'charge') {
      this.pluggedIn = false;
      this.truth.unplugged(from, this.batteryLevel);
      // Sentry, climate or an install: the car's own doing, awake throughout, and its end starts the sleep timer.
      if (activity.hold !== null) this.sleep.activeOwnUntil(to);
      return this.drain(hours);
    }
    if (!this.pluggedIn) this.plugIn();
    if (!this.isChargingNow(activity)) return this.drain(hours);
    this.truth.charging(from, from, this.batteryLevel, activity.dc, this.sessionEnergyKwh, this.sessionDrawnKwh);
    const kwAt = (level: number): number => (activity.dc ? dcChargeKw(activity.ratedKw, level) : wholeAmpsKw(activity.ratedKw));
    const charged = integrateCharge(this.batteryLevel, this.chargeLimit, to - from, kwAt, this.pack, activity.dc);
    this.batteryLevel = charged.level;
    this.sessionEnergyKwh += charged.addedKwh;
    this.sessionDrawnKwh += charged.drawnKwh;
    if (this.batteryLevel >= this.chargeLimit) this.fullThisPlug = true;
    this.truth.charging(from, from + charged.chargedMs, this.batteryLevel, activity.dc, this.sessionEnergyKwh, this.sessionDrawnKwh);
    this.sleep.chargingUntil(from + charged.chargedMs);
  }

  private drive(speedMph: number, from: number, to: number): void {
    const trip = this.truth.trips[this.truth.trips.length - 1];
    if (trip === undefined || trip.endAt !== null) this.startLoop(speedMph, from);
    this.truth.driving(from, this.odometerMi);
    const miles = speedMph * ((to - from) / HOUR_MS);
    this.odometerMi += miles;
    const kwh = (miles * driveWhPerMile(speedMph, this.outsideTempC)) / 1000;
    this.truth.drew(Math.min(kwh, (this.batteryLevel / 100) * this.pack.kwh));
    this.batteryLevel = Math.max(0, this.batteryLevel - percentOf(kwh, this.pack));
    this.sleep.activeOwnUntil(to);
  }

  /**
   * A new drive from home is a round trip as long as the profile's segment (see simPosition). One that ends at a
   * fast charger goes out only halfway round, so the charger is away from home; the drive after it comes back.
   */
  private startLoop(speedMph: number, from: number): void {
    if (this.odometerMi - this.loop.startOdo < this.loop.lengthMi - 0.01) return; // out on a trip: the next leg goes on round
    const miles = Math.max(0.5, (speedMph * (this.activityUntil - from)) / HOUR_MS);
    // What the drive ends at (a parking of a few minutes, pulling up to the charger, does not count).
    let next = activityAt(this.options.profile, this.anchor, this.activityUntil, this.createdAt);
    if (next.activity.kind === 'park' && next.until - this.activityUntil <= 10 * MINUTE_MS)
      next = activityAt(this.options.profile, this.anchor, next.until, this.createdAt);
    this.loop = { startOdo: this.odometerMi, lengthMi: next.activity.kind === 'charge' && next.activity.dc ? 2 * miles : miles };
  }

  /** Plugged in: the car's session counter starts over, as Tesla's does. */
  private plugIn(): void {
    this.pluggedIn = true;
    this.fullThisPlug = false;
    this.sessionEnergyKwh = 0;
    this.sessionDrawnKwh = 0;
  }

  /** What standing costs, for `hours` in the car's present state. */
  private drain(hours: number): void {
    const kw = parkedDrawKw({ asleep: this.asleep, sentry: this.sentryOn, climate: this.climateOn }, this.outsideTempC);
    this.batteryLevel = Math.max(0, this.batteryLevel - percentOf(kw * hours, this.pack));
  }

  private chargePowerKw(activity: Extract<Activity, { kind: 'charge' }> | null = this.activity.kind === 'charge' ? this.activity : null): number {
    if (activity === null) return 0;
    return activity.dc ? dcChargeKw(activity.ratedKw, this.batteryLevel) : wholeAmpsKw(activity.ratedKw);
  }

  private isChargingNow(activity: Activity = this.activity): boolean {
    const below = this.chargeLimit - (this.fullThisPlug ? TOP_UP_POINTS : 0);
    return activity.kind === 'charge' && this.chargeStoppedUntil === null && this.batteryLevel < below;
  }

  /** Tesla's `charging_state`. */
  private chargingState(): string {
    if (this.activity.kind !== 'charge') return 'Disconnected';
    if (this.batteryLevel >= this.chargeLimit || (this.fullThisPlug && !this.isChargingNow())) return 'Complete';
    return this.chargeStoppedUntil === null ? 'Charging' : 'Stopped';
  }

  private heldAwake(): boolean {
    return this.sentryOn || this.climateOn || this.hold() === 'update';
  }

  state(): CarState {
    if (this.offline) return 'offline';
    return this.asleep ? 'asleep' : 'online';
  }

  /** A data request or a command: resets the sleep timer of an awake car. */
  touch(now: number): void {
    this.sleep.touch(now);
  }

  /** Whether this data request is lost to poor connectivity (408 while online); see `poorConnectivity`. */
  dropsRequest(): boolean {
    return this.signal.drops();
  }

  /** Starts waking; the car is online `wakeDelayMs` later. */
  wake(now: number): void {
    if (!this.offline) this.sleep.wake(now);
  }

  /** The `response` of vehicle_data, in the Fleet API's shape, with only the requested sections. */
  vehicleData(now: number, endpoints: ReadonlySet<string>): Record<string, unknown> {
    const driving = this.activity.kind === 'drive';
    const speed = this.activity.kind === 'drive' ? this.activity.speedMph : null;
    const charging = this.isChargingNow();
    const plugged = this.activity.kind === 'charge' ? { dc: this.activity.dc === true } : null;
    const body: Record<string, unknown> = vehicleSummaryOf(this, 'online');
    if (endpoints.has('charge_state')) {
      const { batteryLevel, chargeLimit, chargingAmps, chargePortOpen, sessionEnergyKwh } = this;
      const kw = charging ? this.chargePowerKw() : 0;
      body.charge_state = chargeStateOf(
        {
          batteryLevel,
          chargeLimit,
          chargingAmps,
          chargePortOpen,
          plugged,
          charging,
          kw,
          chargingState: this.chargingState(),
          sessionEnergyKwh,
          pack: this.pack,
        },
        now,
      );
    }
    if (endpoints.has('climate_state')) {
      const { driverTemp, passengerTemp, outsideTempC, climateOn, asleep, seatHeaters } = this;
      const view = { driverTemp, passengerTemp, outsideTempC, climateOn, asleep, seatHeaters, preconditioning: this.hold() === 'climate' };
      body.climate_state = climateStateOf({ ...view, cabinConditioned: climateOn || driving }, now);
    }
    if (endpoints.has('drive_state')) {
      const powerKw = speed !== null ? Math.round((speed * driveWhPerMile(speed, this.outsideTempC)) / 1000) : charging ? -Math.round(this.chargePowerKw()) : 0;
      body.drive_state = driveStateOf(
        {
          speedMph: speed,
          powerKw,
          withLocation: endpoints.has('location_data'),
          position: simPosition(this.odometerMi - this.loop.startOdo, this.loop.lengthMi),
        },
        now,
      );
    }
    if (endpoints.has('vehicle_state')) {
      const { odometerMi, locked, sentryOn, displayName } = this;
      const software = softwareAt(this.options.profile, this.createdAt, now, this.activity);
      body.vehicle_state = vehicleStateOf({ odometerMi, locked, sentryOn, driving, displayName, software, tyresBar: this.tyresBar(now, driving) }, now);
    }
    return body;
  }

  /** Tyre pressures now: the recommended pressure, warmer while driving, less what a slow puncture has let out. */
  tyresBar(now: number, driving: boolean): { fl: number; fr: number; rl: number; rr: number } {
    const warm = driving ? 0.15 : 0;
    const puncture = this.options.profile.slowPuncture;
    const lost = (wheel: string): number =>
      puncture && puncture.wheel === wheel ? Math.max(0, ((now - this.createdAt) / 86_400_000 - puncture.fromDay) * puncture.barPerDay) : 0;
    const bar = (wheel: string): number => Math.round(Math.max(0, SIM_TYRE_BAR + warm - lost(wheel)) * 1000) / 1000;
    return { fl: bar('fl'), fr: bar('fr'), rl: bar('rl'), rr: bar('rr') };
  }

  /** Applies a REST command; the car must be online (the server checks). */
  command(name: string, body: Record<string, unknown>, now: number): CommandOutcome {
    this.sleep.commanded(now);
    return applyCommand(this, name, body, now);
  }

  /** Climate on: it switches itself off after CLIMATE_AUTO_OFF_MS, as the car's does. */
  startClimate(now: number): void {
    this.climateOffAt = now + CLIMATE_AUTO_OFF_MS;
  }

  stopClimate(now: number): void {
    this.climateOffAt = null;
    this.sleep.ownActivityEnded(now);
  }

  /** A new limit; false when it is the limit already. */
  setChargeLimit(percent: number): boolean {
    if (percent === this.chargeLimit) return false;
    this.chargeLimit = percent;
    this.fullThisPlug = false;
    return true;
  }

  /** Why charging cannot start now (Tesla's reason), or null once it has. */
  startCharging(): string | null {
    if (this.activity.kind !== 'charge') return 'disconnected';
    if (this.batteryLevel >= this.chargeLimit) return 'complete';
    if (this.isChargingNow()) return 'is_charging';
    this.chargeStoppedUntil = null;
    this.fullThisPlug = false;
    return null;
  }

  /** Stops charging until the car is unplugged; Tesla's reason when it was not charging. */
  stopCharging(): string | null {
    if (!this.isChargingNow()) return 'not_charging';
    this.chargeStoppedUntil = this.activityUntil;
    return null;
  }

  setSentry(on: boolean, now: number): void {
    // Sentry switched off counts as the car's own activity: it stays awake ~15 minutes after, as real cars do.
    if (this.sentryMode && !on) this.sleep.ownActivityEnded(now);
    this.sentryMode = on;
  }
}
