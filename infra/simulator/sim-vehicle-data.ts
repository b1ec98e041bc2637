import { AC_VOLTS, drawForBatteryKw, type SimPack } from './sim-energy';

/**
 * Parts of a simulated car's `vehicle_data` answer, in Tesla's field names (see the reference and the recorded
 * bodies in shared/fixtures/tesla), built from what the car is doing.
 */

/** The car's own fields, as both `GET /vehicles/{id}` and `vehicle_data` give them. */
export function vehicleSummaryOf(car: { id: number; vin: string; displayName: string }, state: string): Record<string, unknown> {
  return {
    id: car.id,
    user_id: 1,
    vehicle_id: car.id % 1_000_000,
    vin: car.vin,
    color: null,
    access_type: 'OWNER',
    display_name: car.displayName,
    state,
    in_service: false,
    id_s: String(car.id),
    calendar_enabled: true,
    api_version: 73,
    ble_autopair_enrolled: false,
  };
}

export interface ChargeView {
  batteryLevel: number;
  chargeLimit: number;
  chargingAmps: number;
  chargePortOpen: boolean;
  /** Plugged in (to a DC charger or not), or not plugged in. */
  plugged: { dc: boolean } | null;
  charging: boolean;
  /** The power the car draws now (0 when not charging). */
  kw: number;
  chargingState: string;
  sessionEnergyKwh: number;
  pack: SimPack;
}

export function chargeStateOf(c: ChargeView, now: number): Record<string, unknown> {
  const { plugged, charging, kw } = c;
  const { kwh: packKwh, milesPerPercent } = c.pack;
  const volts = plugged === null ? 0 : plugged.dc ? 390 : AC_VOLTS;
  // The car reports what it draws from the charger: more than goes into the battery.
  const drawKw = drawForBatteryKw(kw, plugged?.dc ?? false);
  const toFullH = charging && kw > 0 ? (((c.chargeLimit - c.batteryLevel) / 100) * packKwh) / kw : 0;
  return {
    battery_level: Math.round(c.batteryLevel),
    usable_battery_level: Math.round(c.batteryLevel),
    battery_range: round(c.batteryLevel * milesPerPercent, 2),
    est_battery_range: round(c.batteryLevel * milesPerPercent * 0.97, 2),
    ideal_battery_range: round(c.batteryLevel * milesPerPercent, 2),
    charge_limit_soc: c.chargeLimit,
    charge_limit_soc_min: 50,
    charge_limit_soc_max: 100,
    charge_amps: c.chargingAmps,
    charge_current_request: c.chargingAmps,
    charge_current_request_max: 48,
    charge_port_door_open: c.chargePortOpen || plugged !== null,
    charge_port_latch: plugged !== null ? 'Engaged' : '<invalid>',
    charging_state: c.chargingState,
    charger_power: Math.round(drawKw),
    charger_voltage: charging ? volts : 0,
    charger_actual_current: charging && volts > 0 ? Math.round((drawKw * 1000) / volts) : 0,
    charger_phases: charging && plugged !== null && !plugged.dc ? 1 : null,
    charge_energy_added: round(c.sessionEnergyKwh, 2),
    fast_charger_present: charging && plugged !== null && plugged.dc,
    fast_charger_type: plugged === null ? '<invalid>' : plugged.dc ? 'Supercharger' : 'ACSingleWireCAN',
    charge_rate: charging ? round((kw / packKwh) * 100 * milesPerPercent, 1) : 0,
    time_to_full_charge: round(toFullH, 2),
    minutes_to_full_charge: Math.round(toFullH * 60),
    timestamp: now,
  };
}

/** The simulated cars' recommended (and, cold, actual) tyre pressure. */
export const SIM_TYRE_BAR = 2.9;

export interface VehicleStateView {
  odometerMi: number;
  locked: boolean;
  sentryOn: boolean;
  driving: boolean;
  displayName: string;
  /** The firmware installed (a count of updates), and an update pending, if any. */
  software: { installed: number; pending: string | null };
  /** Tyre pressures (bar). */
  tyresBar: { fl: number; fr: number; rl: number; rr: number };
}

export function vehicleStateOf(v: VehicleStateView, now: number): Record<string, unknown> {
  const { software } = v;
  return {
    api_version: 73,
    car_version: `${firmware(software.installed)} 5b1e3c7a9f20`,
    odometer: round(v.odometerMi, 6),
    locked: v.locked,
    sentry_mode: v.sentryOn,
    sentry_mode_available: true,
    is_user_present: v.driving,
    df: 0,
    dr: 0,
    pf: 0,
    pr: 0,
    ft: 0,
    rt: 0,
    tpms_pressure_fl: v.tyresBar.fl,
    tpms_pressure_fr: v.tyresBar.fr,
    tpms_pressure_rl: v.tyresBar.rl,
    tpms_pressure_rr: v.tyresBar.rr,
    tpms_rcp_front_value: SIM_TYRE_BAR,
    tpms_rcp_rear_value: SIM_TYRE_BAR,
    // Tesla's own warning comes at about a quarter under the recommended pressure.
    tpms_hard_warning_fl: v.tyresBar.fl < SIM_TYRE_BAR * 0.75,
    tpms_hard_warning_fr: v.tyresBar.fr < SIM_TYRE_BAR * 0.75,
    tpms_hard_warning_rl: v.tyresBar.rl < SIM_TYRE_BAR * 0.75,
    tpms_hard_warning_rr: v.tyresBar.rr < SIM_TYRE_BAR * 0.75,
    software_update:
      software.pending === null
        ? { status: '', download_perc: 0, install_perc: 1, version: ' ', expected_duration_sec: 2700 }
        : {
            status: software.pending,
            download_perc: 100,
            install_perc: software.pending === 'installing' ? 50 : 1,
            version: firmware(software.installed + 1),
            expected_duration_sec: 1800,
          },
    vehicle_name: v.displayName,
    timestamp: now,
  };
}

/** The firmware the simulated cars start on. */
export const SIM_FIRMWARE = '2026.38.4';

/** The firmware version after `installed` updates from the simulator's own. */
export function firmware(installed: number): string {
  const [year, week, patch] = SIM_FIRMWARE.split('.').map(Number);
  return `${year}.${week}.${patch! + installed}`;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface ClimateView {
  driverTemp: number;
  passengerTemp: number;
  outsideTempC: number;
  climateOn: boolean;
  preconditioning: boolean;
  /** The cabin follows the setting while the climate runs or the car drives; otherwise it sits near the outside. */
  cabinConditioned: boolean;
  asleep: boolean;
  seatHeaters: ReadonlyMap<number, number>;
}

export function climateStateOf(c: ClimateView, now: number): Record<string, unknown> {
  return {
    driver_temp_setting: c.driverTemp,
    passenger_temp_setting: c.passengerTemp,
    inside_temp: c.cabinConditioned ? c.driverTemp : round(c.outsideTempC + (c.asleep ? 0 : 3), 1),
    outside_temp: c.outsideTempC,
    is_climate_on: c.climateOn,
    is_auto_conditioning_on: c.climateOn,
    is_preconditioning: c.preconditioning,
    seat_heater_left: c.seatHeaters.get(0) ?? 0,
    seat_heater_right: c.seatHeaters.get(1) ?? 0,
    min_avail_temp: 15,
    max_avail_temp: 28,
    timestamp: now,
  };
}

export interface DriveView {
  /** Miles per hour while driving, else null. */
  speedMph: number | null;
  /** Whole kW drawn from the battery while driving (positive) or taken in while charging (negative). */
  powerKw: number;
  /** Whether the location scope was granted and asked for (`location_data`). */
  withLocation: boolean;
  /** Where it is (see simPosition). */
  position: { latitude: number; longitude: number; heading: number };
}

/** Where the simulated cars live (Tesla's Fremont factory). */
export const SIM_HOME = { latitude: 37.4925, longitude: -121.9447 };

/**
 * Where a car is, `miles` into a round trip of `loopMi`: each drive goes round a circle that starts and ends at home,
 * so a parked car is at home (where its owner's place is) and a drive draws a route.
 */
export function simPosition(miles: number, loopMi: number): { latitude: number; longitude: number; heading: number } {
  const r = loopMi / (2 * Math.PI);
  const theta = 2 * Math.PI * Math.min(1, Math.max(0, miles / loopMi));
  const latitude = SIM_HOME.latitude + (r * (1 - Math.cos(theta))) / 69.0;
  const longitude = SIM_HOME.longitude + (r * Math.sin(theta)) / (69.17 * Math.cos((SIM_HOME.latitude * Math.PI) / 180));
  const heading = Math.round(((90 - (theta * 180) / Math.PI + 360) % 360) * 10) / 10;
  return { latitude: Math.round(latitude * 1e6) / 1e6, longitude: Math.round(longitude * 1e6) / 1e6, heading };
}

export function driveStateOf(d: DriveView, now: number): Record<string, unknown> {
  const drive: Record<string, unknown> = { shift_state: d.speedMph !== null ? 'D' : null, speed: d.speedMph, power: d.powerKw, heading: 185, timestamp: now };
  if (d.withLocation) Object.assign(drive, { ...d.position, gps_as_of: Math.floor(now / 1000) });
  return drive;
}
