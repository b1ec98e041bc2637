import type { Snapshot, SnapshotDetail } from '../snapshot';
import { booleanOf, enumOf, numberOf, type StreamRecord, type StreamValue } from './stream-record';

/**
 * What a car has streamed so far: each field's latest value. A car sends a field when it changes (no more often than
 * its interval), so a field it did not send in a record still has its last value; the record's snapshot is every
 * field as it stood at the record's time.
 */
export interface StreamCarState {
  vin: string;
  /** `createdAt` of the newest record folded (ms). */
  at: number;
  fields: Record<string, StreamValue>;
  /**
   * The odometer when the car was last seen to shift into P, while it stays there: a car in P does not move, so a
   * later, higher odometer in P is the late report of the drive before (sent after its interval or delta), not a drive
   * (see LATE_REPORT_MAX_MI).
   */
  parkedOdometerMi?: number;
}

export type StreamFold =
  /** The record's snapshot, after any edge snapshot (see EDGE_FIELDS), oldest first. */
  | { kind: 'snapshots'; state: StreamCarState; snapshots: Snapshot[] }
  /**
   * Older than a record already folded (the queue keeps each car's records in order, so only a record the receiver
   * passed on out of order): its fields would overwrite newer ones, so it is left out and counted.
   */
  | { kind: 'late' };

/**
 * Fields whose change starts or ends a drive or a charging session. A car sends a field when it changes, no more often
 * than its interval, so when a record brings a new value of one, the old value still held one interval before:
 * the fold adds a snapshot of the state before, at that time, and the history bounds the start or end to it.
 */
export const EDGE_FIELDS = ['Gear', 'DetailedChargeState'] as const;

export interface StreamFoldOptions {
  /** Each edge field's configured interval (ms): how long before a record its change may have happened. */
  edgeIntervalMs: Record<(typeof EDGE_FIELDS)[number], number>;
}

export function foldStreamRecord(state: StreamCarState | null, record: StreamRecord, options: StreamFoldOptions): StreamFold {
  if (state !== null && record.createdAt < state.at) return { kind: 'late' };
  // The same createdAt again is the same record (a resend): folding it again changes nothing.
  const fields = { ...(state?.fields ?? {}), ...Object.fromEntries(record.data) };
  const next: StreamCarState = { vin: record.vin, at: record.createdAt, fields, ...parkedOdometer(state, fields) };
  const snapshots: Snapshot[] = [];
  const edgeAt = state === null ? null : edgeTime(state, record, options);
  if (state !== null && edgeAt !== null) snapshots.push(snapshotOf({ ...state, at: edgeAt }));
  snapshots.push(snapshotOf(next));
  return { kind: 'snapshots', state: next, snapshots };
}

/**
 * The edge rule holds only while the car was connected: a car that slept, or lost its connection, sends on its return
 * what changed meanwhile, and its gear may have changed long before that record. After a silence this long the record
 * proves nothing of the seconds before it, and the start or end keeps the bounds the readings give (a wake among them).
 */
export const EDGE_CONTINUITY_MS = 5 * 60_000;

/** When the state before last held, if this record changes an edge field: one interval (the shortest) before it. */
function edgeTime(state: StreamCarState, record: StreamRecord, options: StreamFoldOptions): number | null {
  if (record.createdAt - state.at > EDGE_CONTINUITY_MS) return null;
  const changed = EDGE_FIELDS.filter((name) => {
    const value = record.data.get(name);
    return value !== undefined && state.fields[name] !== undefined && JSON.stringify(value) !== JSON.stringify(state.fields[name]);
  });
  if (changed.length === 0) return null;
  const at = record.createdAt - Math.min(...changed.map((name) => options.edgeIntervalMs[name]));
  return at > state.at ? at : null;
}

/**
 * A reading polled after the stream's last record is newer than what the stream carries: the collector reads a car
 * only once its stream has been silent (a receiver down), and a car sends a field only when it changes, so a change
 * made meanwhile may never come (fleet-telemetry #246). The fields that say whether the car drives or charges, and the
 * odometer, are taken from that reading instead of being carried over the silence; a value the reading lacks is
 * unknown until the car sends it again. The state's time stays the stream's.
 */
export function afterPolledReading(state: StreamCarState, reading: Snapshot): StreamCarState {
  const fields = { ...state.fields };
  const set = (name: string, value: StreamValue | null) => (value === null ? delete fields[name] : (fields[name] = value));
  set('Gear', reading.shiftState === null ? null : { kind: 'enum', value: `ShiftState${reading.shiftState}` });
  set('VehicleSpeed', reading.speedMph === null ? null : { kind: 'number', value: reading.speedMph });
  set('DetailedChargeState', reading.chargingState === null ? null : { kind: 'enum', value: `DetailedChargeState${reading.chargingState}` });
  if (reading.odometerMi !== null) fields.Odometer = { kind: 'number', value: reading.odometerMi };
  const { parkedOdometerMi: _before, ...rest } = state;
  return { ...rest, fields };
}

/**
 * The most a late report can add: the odometer's interval (at most a minute) of driving at speed. More, and the car
 * drove while its gear changes did not reach us (a receiver down): the odometer is taken as it is, and the history
 * sees a drive between two parked readings, as it would from polling.
 */
export const LATE_REPORT_MAX_MI = 2;

function parkedOdometer(state: StreamCarState | null, fields: Record<string, StreamValue>): Pick<StreamCarState, 'parkedOdometerMi'> {
  if (enumOf(fields.Gear, 'ShiftState') !== 'P') return {};
  const odometer = numberOf(fields.Odometer);
  const parked = state?.parkedOdometerMi;
  if (parked !== undefined && (odometer === null || odometer - parked <= LATE_REPORT_MAX_MI)) return { parkedOdometerMi: parked };
  return odometer === null ? {} : { parkedOdometerMi: odometer };
}

/** Tesla's `DetailedChargeStateValue` names as `vehicle_data`'s `charging_state` spells them. */
const CHARGING_STATES = new Set(['Disconnected', 'NoPower', 'Starting', 'Charging', 'Complete', 'Stopped']);
/** `ShiftStateInvalid` and `ShiftStateSNA` say the gear is unknown, as `vehicle_data` says with null. */
const GEARS = new Set(['P', 'R', 'N', 'D']);

/**
 * The snapshot the history derives from, in `vehicle_data`'s units: Odometer, RatedRange and VehicleSpeed are in
 * miles and mph, temperatures in °C, TPMS pressures in bar (Tesla's available-data list). Energy added is
 * DCChargingEnergyIn, the battery side, which owners find equals `charge_energy_added` on AC sessions too
 * (fleet-telemetry #255, #287); ACChargingEnergyIn is the charger side. What the stream does not carry is null.
 */
export function snapshotOf(state: StreamCarState): Snapshot {
  const f = state.fields;
  const n = (name: string) => numberOf(f[name]);
  const location = f.Location?.kind === 'location' ? { latitude: f.Location.latitude, longitude: f.Location.longitude } : null;
  const gear = enumOf(f.Gear, 'ShiftState');
  const chargingState = enumOf(f.DetailedChargeState, 'DetailedChargeState');
  const version = f.Version?.kind === 'text' && f.Version.value !== '' ? (f.Version.value.split(' ')[0] ?? null) : null;
  return {
    vin: state.vin,
    takenAt: state.at,
    odometerMi: state.parkedOdometerMi ?? n('Odometer'),
    batteryLevel: n('BatteryLevel'),
    rangeMi: n('RatedRange'),
    chargingState: chargingState !== null && CHARGING_STATES.has(chargingState) ? chargingState : null,
    locked: booleanOf(f.Locked),
    shiftState: gear !== null && GEARS.has(gear) ? gear : null,
    speedMph: n('VehicleSpeed'),
    softwareVersion: version,
    userPresent: null,
    sentryMode: sentryOf(f.SentryMode),
    climateOn: null,
    preconditioning: null,
    doorsOpen: null,
    updateInProgress: null,
    location,
    detail: detailOf(f),
    source: 'stream',
  };
}

/** `SentryModeState`: off, or on in any of its states (idle, armed, aware, panic, quiet). */
function sentryOf(value: StreamValue | undefined): boolean | null {
  const state = enumOf(value, 'SentryModeState');
  if (state === null || state === 'Unknown') return booleanOf(value);
  return state !== 'Off';
}

function detailOf(f: Record<string, StreamValue>): SnapshotDetail {
  const n = (name: string) => numberOf(f[name]);
  const fast = booleanOf(f.FastChargerPresent);
  const fastType = f.FastChargerType?.kind === 'enum' ? enumOf(f.FastChargerType, 'FastCharger') : null;
  return {
    usableBatteryLevel: null,
    estRangeMi: n('EstBatteryRange'),
    idealRangeMi: n('IdealBatteryRange'),
    chargeLimitSoc: n('ChargeLimitSoc'),
    chargeEnergyAddedKwh: n('DCChargingEnergyIn'),
    chargerPowerKw: fast === true ? n('DCChargingPower') : n('ACChargingPower'),
    chargerActualCurrentA: null,
    chargeAmpsSetting: n('ChargeAmps'),
    chargerVoltageV: n('ChargerVoltage'),
    chargerPhases: n('ChargerPhases'),
    fastChargerPresent: fast,
    fastChargerType: fastType,
    timeToFullChargeH: n('TimeToFullCharge'),
    insideTempC: n('InsideTemp'),
    outsideTempC: n('OutsideTemp'),
    driverTempSettingC: null,
    passengerTempSettingC: null,
    tyrePressureBar: { fl: n('TpmsPressureFl'), fr: n('TpmsPressureFr'), rl: n('TpmsPressureRl'), rr: n('TpmsPressureRr') },
    heading: n('GpsHeading'),
    powerKw: null,
    softwareUpdateStatus: null,
    softwareUpdateVersion: null,
  };
}
