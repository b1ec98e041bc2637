import { EDGE_FIELDS, type StreamFoldOptions } from './stream-fold';
import type { TelemetryConfig } from './telemetry-config';

/**
 * The signals a car streams, how often at most, and what they cost. A car sends a signal when its value changes, and
 * no more often than its interval (Tesla's fleet-telemetry README); Tesla bills each one: $1 per 150,000
 * (tesla-fleet-api reference). So a month's count is, per signal, the time spent in each state (driving, charging,
 * parked and online) × the slower of its change rate there and its interval, plus what it sends once per drive or
 * session (Gear, the charge state). Asleep, the car streams nothing.
 */
export interface StreamedSignal {
  /** Tesla's field name (protos/vehicle_data.proto). */
  name: string;
  intervalSeconds: number;
  /** Sent only once it changed by at least this much (`minimum_delta`, firmware 2024.44.32 and later; earlier ones send on the interval). */
  minimumDelta?: number;
  /** What the history takes from it. */
  why: string;
  /** How many times an hour its value changes in each state (an estimate; capped by the interval). */
  changesPerHour: { driving: number; charging: number; parkedOnline: number };
  /** Sent this many times per drive and per charging session whatever the interval (a gear, a charge state). */
  perDrive?: number;
  perSession?: number;
  /** Only while charging on this kind of charger (its charging hours count, not the others'). */
  charger?: 'ac' | 'dc';
}

export const SIGNAL_PRICE_USD = 1 / 150_000;

const CONTINUOUS = 3600; // changes every second or so: only the interval bounds it
/** Tenths of a mile an hour at a mixed average of 30 mph. */
const ODOMETER_TENTHS_PER_HOUR = 300;
/** Tenths of a kWh an hour charging, at home (7–11 kW) and now and then at a fast charger. */
const ENERGY_TENTHS_PER_HOUR = 150;
const driving = (perHour: number, parkedOnline = 0) => ({ driving: perHour, charging: 0, parkedOnline });
const charging = (perHour: number) => ({ driving: 0, charging: perHour, parkedOnline: 0 });

/**
 * The default set: what polling derives from (drives, sessions, range, tyres, temperatures) plus what only streaming
 * gives (the gear to the second, a route, the cabin climate's power).
 */
export const DEFAULT_SIGNALS: readonly StreamedSignal[] = [
  { name: 'Gear', intervalSeconds: 1, why: 'drive starts and ends to the second', changesPerHour: driving(0), perDrive: 3 },
  // Each tenth of a mile, as soon as it is reached: a drive's end is then less than 0.1 mi short (the rest comes with
  // the next drive), where a minute's interval would move up to a mile from one drive to the next. About 10 signals a
  // mile. (Firmware before 2024.44.32 ignores minimum_delta and would send it every second while driving.)
  { name: 'Odometer', intervalSeconds: 1, minimumDelta: 0.1, why: 'distances', changesPerHour: driving(ODOMETER_TENTHS_PER_HOUR) },
  { name: 'VehicleSpeed', intervalSeconds: 10, why: 'top speeds, stops in traffic', changesPerHour: driving(CONTINUOUS) },
  { name: 'Location', intervalSeconds: 30, why: 'the route (GPX, the map)', changesPerHour: driving(CONTINUOUS) },
  // Every 10 s: a drive's energy is the range it used, and a minute's interval left it up to 6 % short at the end.
  {
    name: 'RatedRange',
    intervalSeconds: 10,
    why: 'drive energy, drain, battery health',
    changesPerHour: { driving: CONTINUOUS, charging: CONTINUOUS, parkedOnline: 2 },
  },
  { name: 'BatteryLevel', intervalSeconds: 60, why: 'levels', changesPerHour: { driving: 120, charging: 120, parkedOnline: 2 } },
  { name: 'DetailedChargeState', intervalSeconds: 1, why: 'sessions start and end to the second', changesPerHour: charging(0), perSession: 3 },
  // The battery side of every session, AC or DC (see stream-fold), each tenth of a kWh: a minute at a Supercharger
  // is 2 kWh, so an interval would leave a session's end that far short.
  { name: 'DCChargingEnergyIn', intervalSeconds: 1, minimumDelta: 0.1, why: 'energy added', changesPerHour: charging(ENERGY_TENTHS_PER_HOUR) },
  { name: 'ACChargingPower', intervalSeconds: 60, why: 'peak power, losses', changesPerHour: charging(30), charger: 'ac' },
  { name: 'DCChargingPower', intervalSeconds: 60, why: 'peak power (DC)', changesPerHour: charging(CONTINUOUS), charger: 'dc' },
  { name: 'ChargerVoltage', intervalSeconds: 60, why: 'energy drawn (losses)', changesPerHour: charging(30), charger: 'ac' },
  { name: 'ChargeAmps', intervalSeconds: 60, why: 'energy drawn (losses)', changesPerHour: charging(2), charger: 'ac' },
  { name: 'FastChargerPresent', intervalSeconds: 60, why: 'AC or DC', changesPerHour: charging(0), perSession: 2 },
  { name: 'OutsideTemp', intervalSeconds: 300, why: 'efficiency by temperature, cold readings left out of health', changesPerHour: driving(6, 2) },
  // An on/off state (HvacPowerState), not a power: it tells when the cabin climate ran, not what it drew.
  { name: 'HvacPower', intervalSeconds: 60, why: 'when the cabin climate runs', changesPerHour: driving(2, 1) },
  { name: 'TpmsPressureFl', intervalSeconds: 300, why: 'tyres', changesPerHour: driving(4, 0.5) },
  { name: 'TpmsPressureFr', intervalSeconds: 300, why: 'tyres', changesPerHour: driving(4, 0.5) },
  { name: 'TpmsPressureRl', intervalSeconds: 300, why: 'tyres', changesPerHour: driving(4, 0.5) },
  { name: 'TpmsPressureRr', intervalSeconds: 300, why: 'tyres', changesPerHour: driving(4, 0.5) },
  { name: 'Locked', intervalSeconds: 1, why: 'the car’s state as the dashboard shows it', changesPerHour: driving(0), perDrive: 2 },
  { name: 'SentryMode', intervalSeconds: 1, why: 'the car’s state; what keeps it awake', changesPerHour: driving(0), perDrive: 2 },
  { name: 'Version', intervalSeconds: 3600, why: 'software updates', changesPerHour: driving(0) },
];

/** A month of a car's use, as streaming sees it. */
export interface CarMonth {
  drivingHours: number;
  /** All charging; `dcChargingHours` of it at fast chargers. */
  chargingHours: number;
  dcChargingHours: number;
  /** Online but parked (sentry, climate, a phone nearby); asleep counts nothing. */
  parkedOnlineHours: number;
  drives: number;
  sessions: number;
}

export interface SignalEstimate {
  perSignal: Array<{ name: string; signals: number }>;
  signals: number;
  costUsd: number;
}

/** The month's streamed signals and their cost for a signal set. */
export function monthlySignals(signals: readonly StreamedSignal[], month: CarMonth): SignalEstimate {
  const perSignal = signals.map((s) => {
    const rate = (perHour: number): number => Math.min(perHour, 3600 / s.intervalSeconds);
    const chargingHours = s.charger === 'dc' ? month.dcChargingHours : s.charger === 'ac' ? month.chargingHours - month.dcChargingHours : month.chargingHours;
    const count =
      month.drivingHours * rate(s.changesPerHour.driving) +
      chargingHours * rate(s.changesPerHour.charging) +
      month.parkedOnlineHours * rate(s.changesPerHour.parkedOnline) +
      month.drives * (s.perDrive ?? 0) +
      month.sessions * (s.perSession ?? 0);
    return { name: s.name, signals: Math.round(count) };
  });
  const total = perSignal.reduce((sum, s) => sum + s.signals, 0);
  return { perSignal, signals: total, costUsd: Math.round(total * SIGNAL_PRICE_USD * 100) / 100 };
}

/** The configuration's `fields` for a signal set. */
export function telemetryFields(signals: readonly StreamedSignal[]): TelemetryConfig['fields'] {
  return Object.fromEntries(
    signals.map((s) => [s.name, { interval_seconds: s.intervalSeconds, ...(s.minimumDelta !== undefined ? { minimum_delta: s.minimumDelta } : {}) }]),
  );
}

/** How the stream is folded for a signal set: each edge field's interval bounds when its change happened. */
export function streamFoldOptions(signals: readonly StreamedSignal[]): StreamFoldOptions {
  const intervalOf = (name: string): number => {
    const signal = signals.find((s) => s.name === name);
    if (signal === undefined) throw new Error(`the signal set has no ${name}: drives and sessions cannot be split without it`);
    return signal.intervalSeconds * 1000;
  };
  return { edgeIntervalMs: Object.fromEntries(EDGE_FIELDS.map((name) => [name, intervalOf(name)])) as StreamFoldOptions['edgeIntervalMs'] };
}
