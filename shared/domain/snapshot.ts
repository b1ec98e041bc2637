/**
 * A snapshot is the subset of a `vehicle_data` answer worth keeping. The Fleet API's fields may be missing,
 * null, or placeholder strings such as "<invalid>", so every field is parsed on its own and falls back to null.
 */
export interface Snapshot {
  vin: string;
  /** When the car measured it (ms), from the payload's timestamps; the receive time when the car gave none. */
  takenAt: number;
  odometerMi: number | null;
  batteryLevel: number | null;
  rangeMi: number | null;
  chargingState: string | null;
  locked: boolean | null;
  shiftState: string | null;
  speedMph: number | null;
  softwareVersion: string | null;
  /** Conditions that keep a car awake; the polling policy reads them. */
  userPresent: boolean | null;
  sentryMode: boolean | null;
  climateOn: boolean | null;
  preconditioning: boolean | null;
  doorsOpen: boolean | null;
  updateInProgress: boolean | null;
  location: { latitude: number; longitude: number } | null;
  /** What derived history (drives, charging sessions, drain, updates) needs; absent in snapshots stored before. */
  detail?: SnapshotDetail;
  /** Streamed by the car (Fleet Telemetry) rather than read from `vehicle_data` or imported; absent for those. */
  source?: 'stream';
}

/** The rest of a `vehicle_data` answer worth keeping: energy, charging, climate, tyres, software. Null when unknown. */
export interface SnapshotDetail {
  usableBatteryLevel: number | null;
  estRangeMi: number | null;
  idealRangeMi: number | null;
  chargeLimitSoc: number | null;
  /** kWh added in the current (or last) charging session, as the car counts it. */
  chargeEnergyAddedKwh: number | null;
  chargerPowerKw: number | null;
  chargerActualCurrentA: number | null;
  /** The charging current the owner set (`charge_amps`). */
  chargeAmpsSetting: number | null;
  chargerVoltageV: number | null;
  chargerPhases: number | null;
  fastChargerPresent: boolean | null;
  fastChargerType: string | null;
  /** Hours to full, as the car estimates it. */
  timeToFullChargeH: number | null;
  insideTempC: number | null;
  outsideTempC: number | null;
  driverTempSettingC: number | null;
  passengerTempSettingC: number | null;
  /** Tyre pressures in bar: front left, front right, rear left, rear right. */
  tyrePressureBar: { fl: number | null; fr: number | null; rl: number | null; rr: number | null };
  /** The recommended cold pressures per axle the car gives (bar); absent in snapshots stored before they were kept. */
  tyreRecommendedBar?: { front: number | null; rear: number | null };
  /** Wheels the car's own TPMS warns about (`tpms_hard_warning_*`); absent in older snapshots. */
  tyreWarnings?: Array<'fl' | 'fr' | 'rl' | 'rr'>;
  heading: number | null;
  /** Drive power in kW (negative while regenerating or charging). */
  powerKw: number | null;
  softwareUpdateStatus: string | null;
  softwareUpdateVersion: string | null;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== '<invalid>' ? value : null;
}

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

const DOOR_FIELDS = ['df', 'dr', 'pf', 'pr', 'ft', 'rt'] as const;
const UPDATE_BUSY = new Set(['downloading', 'downloading_wifi_wait', 'installing', 'scheduled']);

/** `body` is the whole response (`{"response": {...}}`) or its `response` member. */
export function snapshotFromVehicleData(vin: string, body: unknown, receivedAt: number): Snapshot {
  const root = obj(body);
  const data = 'response' in root ? obj(root.response) : root;
  const vehicle = obj(data.vehicle_state);
  const charge = obj(data.charge_state);
  const drive = obj(data.drive_state);
  const climate = obj(data.climate_state);
  const update = obj(vehicle.software_update);

  const doors = DOOR_FIELDS.map((f) => num(vehicle[f]));
  const known = doors.filter((d): d is number => d !== null);
  const updateStatus = str(update.status);
  const latitude = num(drive.latitude);
  const longitude = num(drive.longitude);
  const version = str(vehicle.car_version);

  return {
    vin,
    takenAt: num(vehicle.timestamp) ?? num(charge.timestamp) ?? num(drive.timestamp) ?? receivedAt,
    odometerMi: num(vehicle.odometer),
    batteryLevel: num(charge.battery_level),
    rangeMi: num(charge.battery_range),
    chargingState: str(charge.charging_state),
    locked: bool(vehicle.locked),
    shiftState: str(drive.shift_state),
    speedMph: num(drive.speed),
    softwareVersion: version === null ? null : (version.split(' ')[0] ?? version),
    userPresent: bool(vehicle.is_user_present),
    sentryMode: bool(vehicle.sentry_mode),
    climateOn: bool(climate.is_climate_on),
    preconditioning: bool(climate.is_preconditioning),
    doorsOpen: known.length === 0 ? null : known.some((d) => d !== 0),
    updateInProgress: updateStatus === null ? null : UPDATE_BUSY.has(updateStatus),
    location: latitude !== null && longitude !== null ? { latitude, longitude } : null,
    detail: detailOf({ charge, climate, vehicle, drive, update }),
  };
}

type Sections = Record<'charge' | 'climate' | 'vehicle' | 'drive' | 'update', Record<string, unknown>>;

/** What is kept of a reading beyond the history's fields, for insight and the API. */
function detailOf({ charge, climate, vehicle, drive, update }: Sections): SnapshotDetail {
  return {
    usableBatteryLevel: num(charge.usable_battery_level),
    estRangeMi: num(charge.est_battery_range),
    idealRangeMi: num(charge.ideal_battery_range),
    chargeLimitSoc: num(charge.charge_limit_soc),
    chargeEnergyAddedKwh: num(charge.charge_energy_added),
    chargerPowerKw: num(charge.charger_power),
    chargerActualCurrentA: num(charge.charger_actual_current),
    chargeAmpsSetting: num(charge.charge_amps),
    chargerVoltageV: num(charge.charger_voltage),
    chargerPhases: num(charge.charger_phases),
    fastChargerPresent: bool(charge.fast_charger_present),
    fastChargerType: str(charge.fast_charger_type),
    timeToFullChargeH: num(charge.time_to_full_charge),
    insideTempC: num(climate.inside_temp),
    outsideTempC: num(climate.outside_temp),
    driverTempSettingC: num(climate.driver_temp_setting),
    passengerTempSettingC: num(climate.passenger_temp_setting),
    tyrePressureBar: {
      fl: num(vehicle.tpms_pressure_fl),
      fr: num(vehicle.tpms_pressure_fr),
      rl: num(vehicle.tpms_pressure_rl),
      rr: num(vehicle.tpms_pressure_rr),
    },
    tyreRecommendedBar: { front: num(vehicle.tpms_rcp_front_value), rear: num(vehicle.tpms_rcp_rear_value) },
    tyreWarnings: (['fl', 'fr', 'rl', 'rr'] as const).filter((w) => vehicle[`tpms_hard_warning_${w}`] === true),
    heading: num(drive.heading),
    powerKw: num(drive.power),
    softwareUpdateStatus: str(update.status),
    softwareUpdateVersion: str(update.version),
  };
}

/** Driving: in gear (D, R, N) or moving. */
export function isDriving(s: Snapshot): boolean {
  return (s.shiftState !== null && s.shiftState !== 'P') || (s.speedMph ?? 0) > 0;
}

export function isCharging(s: Snapshot): boolean {
  return s.chargingState === 'Charging' || s.chargingState === 'Starting';
}

/** True when nothing in the snapshot would keep the car awake, so it may fall asleep if left alone. */
export function isIdle(s: Snapshot): boolean {
  return (
    !isDriving(s) &&
    !isCharging(s) &&
    s.userPresent !== true &&
    s.sentryMode !== true &&
    s.climateOn !== true &&
    s.preconditioning !== true &&
    s.doorsOpen !== true &&
    s.updateInProgress !== true
  );
}

/** What a reading shows the car doing: driving, else charging, else held awake by something, else idle. */
export type CarActivity = 'driving' | 'charging' | 'held_awake' | 'idle';

export function activityOf(s: Snapshot): CarActivity {
  if (isDriving(s)) return 'driving';
  if (isCharging(s)) return 'charging';
  return isIdle(s) ? 'idle' : 'held_awake';
}
