import type { StreamedSignal } from '../../shared/domain/telemetry/signal-set';
import type { SimCar } from './sim-car';

/** All of vehicle_data, for reading every streamed field. */
const ALL = new Set(['charge_state', 'climate_state', 'drive_state', 'vehicle_state', 'location_data']);

/** A field's value now: as protojson writes it, and a number to measure a change by where it has one. */
interface FieldValue {
  json: unknown;
  number?: number;
  key: string;
}

type Json = Record<string, unknown>;
const text = (v: unknown): FieldValue | null => (typeof v === 'number' ? { json: { stringValue: String(v) }, number: v, key: String(v) } : null);
const named = (field: string, name: string): FieldValue => ({ json: { [field]: name }, key: name });

/**
 * What the simulated car would stream for each field of the signal set, read from its state (never touching it: a
 * streaming car is not kept awake). Numbers come as strings, as most firmware sends them; Gear, the charge state and
 * the cabin climate as their enums; the position as a location.
 */
export function streamedValues(car: SimCar, now: number): Map<string, FieldValue> {
  const data = car.vehicleData(now, ALL);
  const charge = data.charge_state as Json;
  const drive = data.drive_state as Json;
  const vehicle = data.vehicle_state as Json;
  const climate = data.climate_state as Json;
  const fast = charge.fast_charger_present === true;
  const values: Record<string, FieldValue | null> = {
    Gear: named('shiftStateValue', drive.shift_state === 'D' ? 'ShiftStateD' : 'ShiftStateP'),
    Odometer: text(vehicle.odometer),
    VehicleSpeed: text(drive.speed ?? 0),
    Location: {
      json: { locationValue: { latitude: drive.latitude, longitude: drive.longitude } },
      key: `${String(drive.latitude)},${String(drive.longitude)}`,
    },
    RatedRange: text(charge.battery_range),
    BatteryLevel: text(charge.battery_level),
    DetailedChargeState: named('detailedChargeStateValue', `DetailedChargeState${String(charge.charging_state)}`),
    DCChargingEnergyIn: text(charge.charge_energy_added),
    ACChargingPower: text(fast ? 0 : charge.charger_power),
    DCChargingPower: text(fast ? charge.charger_power : 0),
    ChargerVoltage: text(charge.charger_voltage),
    ChargeAmps: text(charge.charge_amps),
    FastChargerPresent: { json: { booleanValue: fast }, key: String(fast) },
    OutsideTemp: text(climate.outside_temp),
    HvacPower: named('hvacPowerValue', climate.is_climate_on === true ? 'HvacPowerStateOn' : 'HvacPowerStateOff'),
    TpmsPressureFl: text(vehicle.tpms_pressure_fl),
    TpmsPressureFr: text(vehicle.tpms_pressure_fr),
    TpmsPressureRl: text(vehicle.tpms_pressure_rl),
    TpmsPressureRr: text(vehicle.tpms_pressure_rr),
    Locked: { json: { booleanValue: vehicle.locked === true }, key: String(vehicle.locked) },
    SentryMode: named('sentryModeStateValue', vehicle.sentry_mode === true ? 'SentryModeStateArmed' : 'SentryModeStateOff'),
    Version: { json: { stringValue: vehicle.car_version }, key: String(vehicle.car_version) },
  };
  return new Map(Object.entries(values).filter((e): e is [string, FieldValue] => e[1] !== null));
}

/** A decoded vehicle-data record, as the receiver passes it on (see shared/domain/telemetry/stream-record.ts). */
export interface SimStreamRecord {
  data: Array<{ key: string; value: unknown }>;
  createdAt: string;
  vin: string;
  isResend: boolean;
}

/**
 * The car's side of Fleet Telemetry: each field is sent when it has changed since it was last sent (by at least its
 * minimum delta, if it has one), no more often than its interval; what changed in one tick goes in one record. Asleep,
 * the car sends nothing; on waking it sends what changed meanwhile.
 */
export class CarStreamer {
  private readonly sent = new Map<string, { key: string; number?: number; at: number }>();
  signals = 0;
  records = 0;

  constructor(
    private readonly car: SimCar,
    private readonly set: readonly StreamedSignal[],
  ) {}

  /** The record the car sends at `now` (its state advanced to then by the caller), or null. */
  tick(now: number): SimStreamRecord | null {
    if (this.car.state() !== 'online') return null;
    const values = streamedValues(this.car, now);
    const data: SimStreamRecord['data'] = [];
    for (const signal of this.set) {
      const value = values.get(signal.name);
      if (value === undefined) continue;
      const last = this.sent.get(signal.name);
      if (last !== undefined && now - last.at < signal.intervalSeconds * 1000) continue;
      if (last !== undefined && !changed(last, value, signal.minimumDelta)) continue;
      this.sent.set(signal.name, { key: value.key, ...(value.number !== undefined ? { number: value.number } : {}), at: now });
      data.push({ key: signal.name, value: value.json });
    }
    if (data.length === 0) return null;
    this.signals += data.length;
    this.records += 1;
    return { data, createdAt: new Date(now).toISOString(), vin: this.car.vin, isResend: false };
  }
}

function changed(last: { key: string; number?: number }, value: FieldValue, minimumDelta: number | undefined): boolean {
  // A car's odometer counts in fixed steps; the simulated one sums floats, so a tenth may come out a hair short.
  if (minimumDelta !== undefined && last.number !== undefined && value.number !== undefined) return Math.abs(value.number - last.number) >= minimumDelta - 1e-9;
  return last.key !== value.key;
}
