import { HOUR_MS, MINUTE_MS } from '../../shared/domain/clock';
import { activityAt, softwareAt, type Activity, type DriveProfile, type Hold } from './drive-profile';
import { dcChargeKw, driveWhPerMile, PACK_KWH, parkedDrawKw, percentOf } from './sim-energy';
import { chargeStateOf, round, vehicleStateOf, vehicleSummaryOf } from './sim-vehicle-data';

/** The firmware every simulated car runs. */
export { SIM_FIRMWARE } from './sim-vehicle-data';

export interface SimCarOptions {
  vin: string;
  id: number;
  displayName: string;
  profile: DriveProfile;
  /** Where the profile's period starts (ms); default: the Unix epoch, i.e. UTC midnight for daily profiles. */
  anchor?: number;
  odometerMi?: number;
  batteryLevel?: number;
  /** What the owner left set (a restarted simulator continues from the last reading, as a real car would). */
  locked?: boolean;
  sentryMode?: boolean;
  /** Only signed commands accepted (REST commands get Tesla's 403). */
  requiresSigning?: boolean;
  /** Speaks the Vehicle Command Protocol (default true); a pre-2021 Model S/X does not (signed_command gets 422). */
  supportsSigning?: boolean;
  /** Whether `fleet_status` reports on this car (default true); false stands for an account Tesla says nothing of. */
  inFleetStatus?: boolean;
  /** Simulated time a wake_up takes: 10–60 s. */
  wakeDelayMs?: number;
  sleepAfterMs?: number;
  /**
   * A badly connected car: online in the vehicle list, yet this share (0–1) of its data requests get 408 (billed), as
   * a car in a garage with weak signal does. Deterministic: every ⌈1/share⌉-th request, so runs repeat.
   */
  poorConnectivity?: number;
}

export type CarState = 'online' | 'asleep' | 'offline';
export interface CommandOutcome {
  result: boolean;
  reason: string;
}

const CLIMATE_AUTO_OFF_MS = 30 * MINUTE_MS;
/** A car that has charged to its limit and stays plugged in charges again only after losing this much, as real ones do. */
const TOP_UP_POINTS = 2;
const DEFAULT_OUTSIDE_TEMP_C = 12;
/** DC charging power changes with the charge, so it is integrated in steps this long. */
const CHARGE_STEP_MS = MINUTE_MS;

/**
 * One simulated car. Its life follows the drive profile; between requests it is advanced lazily to the clock's time.
 * It falls asleep `sleepAfterMs` after the last thing that kept it awake (driving, charging, a data request, a
 * command, a finished wake) while nothing else holds it awake (sentry mode, climate on, an update installing).
 * Its battery follows the energy model in sim-energy.ts: driving by speed and outside temperature, a small draw
 * parked (more awake, more with sentry or climate), AC or tapering DC charging.
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
  private lastActiveAt: number;
  private asleep = false;
  /** The last time the car was active for its own reasons (not because somebody asked it for data). */
  private lastOwnActiveAt: number;
  /** Every drive so far, the last one open while the car drives. */
  readonly trips: Trip[] = [];
  /** Ground truth for benchmarks: every plug-in during which the car charged, with the energy it took. */
  readonly chargeSessions: ChargeSession[] = [];
  /** Time the car stayed awake only because data requests kept resetting its sleep timer. */
  awakeByPollingMs = 0;
  private wakingAt: number | null = null;
  private readonly anchor: number;
  /** When the car's simulated life began: software updates count from here. */
  private readonly createdAt: number;
  private readonly wakeDelayMs: number;
  private readonly sleepAfterMs: number;

  constructor(
    private readonly options: SimCarOptions,
    now: number,
  ) {
    this.vin = options.vin;
    this.id = options.id;
    this.displayName = options.displayName;
    this.requiresSigning = options.requiresSigning ?? false;
    this.supportsSigning = options.supportsSigning ?? true;
    this.inFleetStatus = options.inFleetStatus ?? true;
    this.odometerMi = options.odometerMi ?? 12_000;
    this.batteryLevel = options.batteryLevel ?? 70;
    this.locked = options.locked ?? true;
    this.sentryMode = options.sentryMode ?? false;
    this.anchor = options.anchor ?? 0;
    this.wakeDelayMs = options.wakeDelayMs ?? 20_000;
    if (this.wakeDelayMs < 10_000 || this.wakeDelayMs > 60_000) throw new RangeError('wakeDelayMs must be 10–60 s');
    this.sleepAfterMs = options.sleepAfterMs ?? 15 * MINUTE_MS;
    this.t = now;
    this.createdAt = now;
    this.lastActiveAt = now;
    this.lastOwnActiveAt = now;
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

  /** The moment an awake car with nothing holding it falls asleep, or never. */
  private sleepDueAt(): number {
    return this.asleep || this.heldAwake() ? Infinity : this.lastActiveAt + this.sleepAfterMs;
  }

  get currentActivity(): Activity['kind'] {
    return this.activity.kind;
  }

  /** Moves the car's life forward to `now`. */
  advanceTo(now: number): void {
    while (this.t < now) {
      const { activity, until } = activityAt(this.options.profile, this.anchor, this.t, this.createdAt);
      this.activity = activity;
      const sleepAt = this.sleepDueAt();
      const end = Math.min(until, now, this.wakingAt ?? Infinity, this.climateOffAt ?? Infinity, sleepAt > this.t ? sleepAt : Infinity);
      this.activityUntil = until;
      this.live(activity, this.t, end);
      if (this.wakingAt !== null && this.wakingAt <= end) {
        this.asleep = false;
        this.wakingAt = null;
        this.lastActiveAt = end;
        this.lastOwnActiveAt = end;
      }
      if (this.climateOffAt !== null && this.climateOffAt <= end) {
        // Climate ending is the car's own activity: like a drive, it starts the ~15-minute countdown to sleep.
        this.climateOffAt = null;
        this.lastActiveAt = Math.max(this.lastActiveAt, end);
        this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, end);
      }
      if (this.chargeStoppedUntil !== null && this.chargeStoppedUntil <= end) this.chargeStoppedUntil = null;
      if (!this.asleep && !this.heldAwake() && end - this.lastActiveAt >= this.sleepAfterMs) {
        this.asleep = true;
        this.awakeByPollingMs += Math.max(0, this.lastActiveAt - this.lastOwnActiveAt);
      }
      this.t = end;
    }
    // What begins exactly now (a drive, a charge) already counts: a car pulling away this instant is online.
    const current = activityAt(this.options.profile, this.anchor, now, this.createdAt);
    this.activity = current.activity;
    this.activityUntil = current.until;
    // Plugged in this instant: the car's session counter starts over at once, as Tesla's does.
    if (current.activity.kind === 'charge' && !this.pluggedIn) {
      this.pluggedIn = true;
      this.fullThisPlug = false;
      this.sessionEnergyKwh = 0;
    }
    const ownDoing =
      current.activity.kind === 'drive' ||
      (current.activity.kind === 'park' && current.activity.hold !== null) ||
      (current.activity.kind === 'charge' && this.isChargingNow(current.activity));
    if (ownDoing) {
      if (this.asleep) this.lastActiveAt = this.lastOwnActiveAt = now;
      this.asleep = false;
      this.wakingAt = null;
    }
  }

  private live(activity: Activity, from: number, to: number): void {
    const hours = (to - from) / HOUR_MS;
    const open = this.trips[this.trips.length - 1];
    if (activity.kind === 'drive') {
      if (open === undefined || open.endAt !== null) this.trips.push({ startAt: from, endAt: null, startOdometerMi: this.odometerMi, endOdometerMi: null });
      this.asleep = false;
      this.wakingAt = null;
      const miles = activity.speedMph * hours;
      this.odometerMi += miles;
      this.batteryLevel = Math.max(0, this.batteryLevel - percentOf((miles * driveWhPerMile(activity.speedMph, this.outsideTempC)) / 1000));
      this.lastActiveAt = to;
      this.lastOwnActiveAt = to;
      return;
    }
    if (open !== undefined && open.endAt === null) {
      open.endAt = from;
      open.endOdometerMi = this.odometerMi;
    }
    const session = this.chargeSessions[this.chargeSessions.length - 1];
    if (activity.kind !== 'charge') {
      this.pluggedIn = false;
      if (session !== undefined && session.endAt === null) {
        session.endAt = from;
        session.endLevel = this.batteryLevel;
      }
      if (activity.hold !== null) {
        // Sentry, climate or an install: the car's own doing, awake throughout, and its end starts the sleep timer.
        this.asleep = false;
        this.wakingAt = null;
        this.lastActiveAt = Math.max(this.lastActiveAt, to);
        this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, to);
      }
      this.drain(hours);
      return;
    }
    if (!this.pluggedIn) {
      this.pluggedIn = true;
      this.fullThisPlug = false;
      this.sessionEnergyKwh = 0;
    }
    if (!this.isChargingNow(activity)) return this.drain(hours);
    if (session === undefined || session.endAt !== null) {
      this.chargeSessions.push({ startAt: from, endAt: null, energyKwh: 0, startLevel: this.batteryLevel, endLevel: null, dc: activity.dc });
    }
    this.asleep = false;
    let t = from;
    while (t < to && this.batteryLevel < this.chargeLimit) {
      const step = Math.min(CHARGE_STEP_MS, to - t);
      const kw = this.chargePowerKw(activity);
      const needed = this.chargeLimit - this.batteryLevel;
      const gained = percentOf((kw * step) / HOUR_MS);
      const taken = Math.min(gained, needed);
      this.batteryLevel += taken;
      this.sessionEnergyKwh += (taken / 100) * PACK_KWH;
      t += gained > needed ? (needed / gained) * step : step;
    }
    if (this.batteryLevel >= this.chargeLimit) this.fullThisPlug = true;
    this.chargeSessions[this.chargeSessions.length - 1]!.energyKwh = this.sessionEnergyKwh;
    this.lastActiveAt = Math.max(this.lastActiveAt, t);
    this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, this.lastActiveAt);
  }

  /** What standing costs, for `hours` in the car's present state. */
  private drain(hours: number): void {
    const kw = parkedDrawKw({ asleep: this.asleep, sentry: this.sentryOn, climate: this.climateOn }, this.outsideTempC);
    this.batteryLevel = Math.max(0, this.batteryLevel - percentOf(kw * hours));
  }

  private chargePowerKw(activity: Extract<Activity, { kind: 'charge' }> | null = this.activity.kind === 'charge' ? this.activity : null): number {
    if (activity === null) return 0;
    return activity.dc ? dcChargeKw(activity.ratedKw, this.batteryLevel) : activity.ratedKw;
  }

  private isChargingNow(activity: Activity = this.activity): boolean {
    const below = this.chargeLimit - (this.fullThisPlug ? TOP_UP_POINTS : 0);
    return activity.kind === 'charge' && this.chargeStoppedUntil === null && this.batteryLevel < below;
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
    if (!this.asleep) this.lastActiveAt = now;
  }

  private dataRequests = 0;

  /** Whether this data request is lost to poor connectivity (408 while online); see `poorConnectivity`. */
  dropsRequest(): boolean {
    const share = this.options.poorConnectivity ?? 0;
    if (share <= 0) return false;
    this.dataRequests += 1;
    return this.dataRequests % Math.max(1, Math.round(1 / share)) === 0;
  }

  /** Starts waking; the car is online `wakeDelayMs` later. */
  wake(now: number): void {
    if (this.asleep && this.wakingAt === null && !this.offline) this.wakingAt = now + this.wakeDelayMs;
  }

  private chargingState(): string {
    if (this.activity.kind !== 'charge') return 'Disconnected';
    if (this.batteryLevel >= this.chargeLimit || (this.fullThisPlug && !this.isChargingNow())) return 'Complete';
    return this.chargeStoppedUntil === null ? 'Charging' : 'Stopped';
  }

  /** The `response` of vehicle_data, in the Fleet API's shape, with only the requested sections. */
  vehicleData(now: number, endpoints: ReadonlySet<string>): Record<string, unknown> {
    const driving = this.activity.kind === 'drive';
    const speed = this.activity.kind === 'drive' ? this.activity.speedMph : null;
    const charging = this.isChargingNow();
    const plugged = this.activity.kind === 'charge' ? this.activity : null;
    const body: Record<string, unknown> = vehicleSummaryOf(this, 'online');
    if (endpoints.has('charge_state')) {
      body.charge_state = chargeStateOf(
        {
          batteryLevel: this.batteryLevel,
          chargeLimit: this.chargeLimit,
          chargingAmps: this.chargingAmps,
          chargePortOpen: this.chargePortOpen,
          plugged: plugged === null ? null : { dc: plugged.dc === true },
          charging,
          kw: charging ? this.chargePowerKw() : 0,
          chargingState: this.chargingState(),
          sessionEnergyKwh: this.sessionEnergyKwh,
        },
        now,
      );
    }
    if (endpoints.has('climate_state')) {
      const outside = this.outsideTempC;
      body.climate_state = {
        driver_temp_setting: this.driverTemp,
        passenger_temp_setting: this.passengerTemp,
        inside_temp: this.climateOn || driving ? this.driverTemp : round(outside + (this.asleep ? 0 : 3), 1),
        outside_temp: outside,
        is_climate_on: this.climateOn,
        is_auto_conditioning_on: this.climateOn,
        is_preconditioning: this.hold() === 'climate',
        seat_heater_left: this.seatHeaters.get(0) ?? 0,
        seat_heater_right: this.seatHeaters.get(1) ?? 0,
        min_avail_temp: 15,
        max_avail_temp: 28,
        timestamp: now,
      };
    }
    if (endpoints.has('drive_state')) {
      const power = speed !== null ? Math.round((speed * driveWhPerMile(speed, this.outsideTempC)) / 1000) : charging ? -Math.round(this.chargePowerKw()) : 0;
      const drive: Record<string, unknown> = { shift_state: driving ? 'D' : null, speed, power, heading: 185, timestamp: now };
      if (endpoints.has('location_data')) Object.assign(drive, { latitude: 37.4925, longitude: -121.9447, gps_as_of: Math.floor(now / 1000) });
      body.drive_state = drive;
    }
    if (endpoints.has('vehicle_state')) {
      const software = softwareAt(this.options.profile, this.createdAt, now, this.activity);
      body.vehicle_state = vehicleStateOf(
        { odometerMi: this.odometerMi, locked: this.locked, sentryOn: this.sentryOn, driving, displayName: this.displayName, software },
        now,
      );
    }
    return body;
  }

  /** Applies a REST command; the car must be online (the server checks). */
  command(name: string, body: Record<string, unknown>, now: number): CommandOutcome {
    this.touch(now);
    if (!this.asleep) this.lastOwnActiveAt = now;
    const ok: CommandOutcome = { result: true, reason: '' };
    switch (name) {
      case 'door_lock':
        this.locked = true;
        return ok;
      case 'door_unlock':
        this.locked = false;
        return ok;
      case 'auto_conditioning_start':
        this.climateOffAt = now + CLIMATE_AUTO_OFF_MS;
        return ok;
      case 'auto_conditioning_stop':
        this.climateOffAt = null;
        this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, now);
        return ok;
      case 'set_temps':
        this.driverTemp = Number(body.driver_temp);
        this.passengerTemp = Number(body.passenger_temp);
        return ok;
      case 'set_charge_limit': {
        const percent = Number(body.percent);
        if (percent === this.chargeLimit) return { result: false, reason: 'already_set' };
        this.chargeLimit = percent;
        this.fullThisPlug = false;
        return ok;
      }
      case 'charge_max_range':
        if (this.chargeLimit === 100) return { result: false, reason: 'already_max_range' };
        this.chargeLimit = 100;
        this.fullThisPlug = false;
        return ok;
      case 'set_charging_amps':
        this.chargingAmps = Number(body.charging_amps);
        return ok;
      case 'charge_start':
        if (this.activity.kind !== 'charge') return { result: false, reason: 'disconnected' };
        if (this.batteryLevel >= this.chargeLimit) return { result: false, reason: 'complete' };
        if (this.isChargingNow()) return { result: false, reason: 'is_charging' };
        this.chargeStoppedUntil = null;
        this.fullThisPlug = false;
        return ok;
      case 'charge_stop':
        if (!this.isChargingNow()) return { result: false, reason: 'not_charging' };
        this.chargeStoppedUntil = this.activityUntil;
        return ok;
      case 'charge_port_door_open':
        this.chargePortOpen = true;
        return ok;
      case 'charge_port_door_close':
        this.chargePortOpen = false;
        return ok;
      case 'set_sentry_mode':
        // Sentry switched off counts as the car's own activity: it stays awake ~15 minutes after, as real cars do.
        if (this.sentryMode && body.on !== true) this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, now);
        this.sentryMode = body.on === true;
        return ok;
      case 'remote_seat_heater_request':
        this.seatHeaters.set(Number(body.seat_position), Number(body.level));
        return ok;
      case 'honk_horn':
      case 'flash_lights':
      case 'actuate_trunk':
      case 'window_control':
      case 'remote_start_drive':
      case 'charge_standard':
        return ok;
      default:
        throw new UnknownCommandError(name);
    }
  }
}

/** A drive as it happened, for checking what a logger recorded. */
export interface ChargeSession {
  startAt: number;
  endAt: number | null;
  energyKwh: number;
  startLevel: number;
  endLevel: number | null;
  /** DC fast charging. */
  dc: boolean;
}

export interface Trip {
  startAt: number;
  endAt: number | null;
  startOdometerMi: number;
  endOdometerMi: number | null;
}

export class UnknownCommandError extends Error {
  constructor(name: string) {
    super(`unknown command ${name}`);
    this.name = 'UnknownCommandError';
  }
}

/** The firmware after `installed` updates: the patch number counts them. */
