import { HOUR_MS, MINUTE_MS } from '../../shared/domain/clock';
import { activityAt, type Activity, type DriveProfile } from './drive-profile';

/** The firmware every simulated car runs. */
export const SIM_FIRMWARE = '2026.38.4';

export interface SimCarOptions {
  vin: string;
  id: number;
  displayName: string;
  profile: DriveProfile;
  /** Where the profile's period starts (ms); default: the Unix epoch, i.e. UTC midnight for daily profiles. */
  anchor?: number;
  odometerMi?: number;
  batteryLevel?: number;
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

const PERCENT_PER_MILE = 0.3;
const MILES_PER_PERCENT = 3.1;
/** Usable pack of the simulated car (a Model 3 Long Range): 1 % is 0.75 kWh. */
const PACK_KWH = 75;
/** A charge at this rate or faster is DC fast charging (about 45 kW and up). */
const DC_PERCENT_PER_HOUR = 60;
const CLIMATE_AUTO_OFF_MS = 30 * MINUTE_MS;

/**
 * One simulated car. Its life follows the drive profile; between requests it is advanced lazily to the clock's time.
 * It falls asleep `sleepAfterMs` after the last thing that kept it awake (driving, charging, a data request, a
 * command, a finished wake) while nothing else holds it awake (sentry mode, climate on).
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
  chargingAmps = 16;
  driverTemp = 21;
  passengerTemp = 21;
  chargePortOpen = false;
  seatHeaters = new Map<number, number>();

  private climateOffAt: number | null = null;
  private activity: Activity = { kind: 'park' };
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
    this.anchor = options.anchor ?? 0;
    this.wakeDelayMs = options.wakeDelayMs ?? 20_000;
    if (this.wakeDelayMs < 10_000 || this.wakeDelayMs > 60_000) throw new RangeError('wakeDelayMs must be 10–60 s');
    this.sleepAfterMs = options.sleepAfterMs ?? 15 * MINUTE_MS;
    this.t = now;
    this.lastActiveAt = now;
    this.lastOwnActiveAt = now;
    ({ activity: this.activity, until: this.activityUntil } = activityAt(options.profile, this.anchor, now));
  }

  get climateOn(): boolean {
    return this.climateOffAt !== null;
  }

  get currentActivity(): Activity['kind'] {
    return this.activity.kind;
  }

  /** Moves the car's life forward to `now`. */
  advanceTo(now: number): void {
    while (this.t < now) {
      const { activity, until } = activityAt(this.options.profile, this.anchor, this.t);
      const end = Math.min(until, now, this.wakingAt ?? Infinity, this.climateOffAt ?? Infinity);
      this.activity = activity;
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
    const current = activityAt(this.options.profile, this.anchor, now);
    this.activity = current.activity;
    this.activityUntil = current.until;
    // Plugged in this instant: the car's session counter starts over at once, as Tesla's does.
    if (current.activity.kind === 'charge' && !this.pluggedIn) {
      this.pluggedIn = true;
      this.sessionEnergyKwh = 0;
    }
    if (current.activity.kind === 'drive' || (current.activity.kind === 'charge' && this.isChargingNow(current.activity))) {
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
      this.odometerMi += activity.speedMph * hours;
      this.batteryLevel = Math.max(0, this.batteryLevel - activity.speedMph * hours * PERCENT_PER_MILE);
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
    } else if (!this.pluggedIn) {
      this.pluggedIn = true;
      this.sessionEnergyKwh = 0;
    }
    if (activity.kind === 'charge' && this.isChargingNow(activity) && (session === undefined || session.endAt !== null)) {
      this.chargeSessions.push({ startAt: from, endAt: null, energyKwh: 0, startLevel: this.batteryLevel, endLevel: null });
    }
    if (activity.kind === 'charge' && this.isChargingNow(activity)) {
      this.asleep = false;
      const needed = this.chargeLimit - this.batteryLevel;
      const gained = activity.percentPerHour * hours;
      this.sessionEnergyKwh += (Math.min(gained, needed) / 100) * PACK_KWH;
      this.chargeSessions[this.chargeSessions.length - 1]!.energyKwh = this.sessionEnergyKwh;
      if (gained >= needed) {
        this.batteryLevel = this.chargeLimit;
        this.lastActiveAt = Math.max(this.lastActiveAt, from + (needed / activity.percentPerHour) * HOUR_MS);
      } else {
        this.batteryLevel += gained;
        this.lastActiveAt = to;
      }
      this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, this.lastActiveAt);
    }
  }

  private isChargingNow(activity: Activity = this.activity): boolean {
    return activity.kind === 'charge' && this.chargeStoppedUntil === null && this.batteryLevel < this.chargeLimit;
  }

  private heldAwake(): boolean {
    return this.sentryMode || this.climateOn;
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
    if (this.batteryLevel >= this.chargeLimit) return 'Complete';
    return this.chargeStoppedUntil === null ? 'Charging' : 'Stopped';
  }

  /** The `response` of vehicle_data, in the Fleet API's shape, with only the requested sections. */
  vehicleData(now: number, endpoints: ReadonlySet<string>): Record<string, unknown> {
    const driving = this.activity.kind === 'drive';
    const speed = this.activity.kind === 'drive' ? this.activity.speedMph : null;
    const charging = this.isChargingNow();
    const body: Record<string, unknown> = {
      id: this.id,
      user_id: 1,
      vehicle_id: this.id % 1_000_000,
      vin: this.vin,
      color: null,
      access_type: 'OWNER',
      display_name: this.displayName,
      state: 'online',
      in_service: false,
      id_s: String(this.id),
      calendar_enabled: true,
      api_version: 73,
      ble_autopair_enrolled: false,
    };
    if (endpoints.has('charge_state')) {
      body.charge_state = {
        battery_level: Math.round(this.batteryLevel),
        usable_battery_level: Math.round(this.batteryLevel),
        battery_range: round(this.batteryLevel * MILES_PER_PERCENT, 2),
        est_battery_range: round(this.batteryLevel * MILES_PER_PERCENT * 0.97, 2),
        ideal_battery_range: round(this.batteryLevel * MILES_PER_PERCENT, 2),
        charge_limit_soc: this.chargeLimit,
        charge_limit_soc_min: 50,
        charge_limit_soc_max: 100,
        charge_amps: this.chargingAmps,
        charge_current_request: this.chargingAmps,
        charge_current_request_max: 48,
        charge_port_door_open: this.chargePortOpen || this.activity.kind === 'charge',
        charge_port_latch: this.activity.kind === 'charge' ? 'Engaged' : '<invalid>',
        charging_state: this.chargingState(),
        charger_power: charging && this.activity.kind === 'charge' ? Math.round((this.activity.percentPerHour / 100) * PACK_KWH) : 0,
        charge_energy_added: round(this.sessionEnergyKwh, 2),
        fast_charger_present: charging && this.activity.kind === 'charge' && this.activity.percentPerHour >= DC_PERCENT_PER_HOUR,
        charge_rate: charging ? 30 : 0,
        minutes_to_full_charge: 0,
        timestamp: now,
      };
    }
    if (endpoints.has('climate_state')) {
      body.climate_state = {
        driver_temp_setting: this.driverTemp,
        passenger_temp_setting: this.passengerTemp,
        inside_temp: 21.5,
        outside_temp: 12,
        is_climate_on: this.climateOn,
        is_auto_conditioning_on: this.climateOn,
        is_preconditioning: false,
        seat_heater_left: this.seatHeaters.get(0) ?? 0,
        seat_heater_right: this.seatHeaters.get(1) ?? 0,
        min_avail_temp: 15,
        max_avail_temp: 28,
        timestamp: now,
      };
    }
    if (endpoints.has('drive_state')) {
      const drive: Record<string, unknown> = { shift_state: driving ? 'D' : null, speed, power: driving ? 18 : 0, heading: 185, timestamp: now };
      if (endpoints.has('location_data')) Object.assign(drive, { latitude: 37.4925, longitude: -121.9447, gps_as_of: Math.floor(now / 1000) });
      body.drive_state = drive;
    }
    if (endpoints.has('vehicle_state')) {
      body.vehicle_state = {
        api_version: 73,
        car_version: `${SIM_FIRMWARE} 5b1e3c7a9f20`,
        odometer: round(this.odometerMi, 6),
        locked: this.locked,
        sentry_mode: this.sentryMode,
        sentry_mode_available: true,
        is_user_present: driving,
        df: 0,
        dr: 0,
        pf: 0,
        pr: 0,
        ft: 0,
        rt: 0,
        software_update: { status: '', download_perc: 0, install_perc: 1, version: ' ', expected_duration_sec: 2700 },
        vehicle_name: this.displayName,
        timestamp: now,
      };
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
        return ok;
      }
      case 'charge_max_range':
        if (this.chargeLimit === 100) return { result: false, reason: 'already_max_range' };
        this.chargeLimit = 100;
        return ok;
      case 'set_charging_amps':
        this.chargingAmps = Number(body.charging_amps);
        return ok;
      case 'charge_start':
        if (this.activity.kind !== 'charge') return { result: false, reason: 'disconnected' };
        if (this.batteryLevel >= this.chargeLimit) return { result: false, reason: 'complete' };
        if (this.chargeStoppedUntil === null) return { result: false, reason: 'is_charging' };
        this.chargeStoppedUntil = null;
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

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
