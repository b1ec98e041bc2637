import { $ } from './dom';
import { api } from './api-client';

/** What the first screen says about the car: battery and range large, what it is doing and since when, the last drive and charge. */
export interface GlanceState {
  state: string;
  snapshot: {
    takenAt: string;
    batteryLevel: number | null;
    rangeMi: number | null;
    chargingState: string | null;
    shiftState?: string | null;
    speedMph?: number | null;
    location?: { latitude: number; longitude: number } | null;
    detail?: { chargerPowerKw: number | null; timeToFullChargeH: number | null };
  } | null;
}
interface LastDrive {
  startedBy: string;
  end: { at: string };
  /** By when it ended (end.at, or earlier when the car was seen asleep before that reading). */
  endedBy: string;
  distanceMi: number;
}
interface LastCharge {
  start: { at: string };
  end: { at: string; batteryLevel: number | null };
  energyAddedKwh: number | null;
}

export type Unit = 'mi' | 'km';
const UNIT_KEY = 'tesla-fleet-logger.unit';
export const unitStore = {
  get: (): Unit => (localStorage.getItem(UNIT_KEY) === 'km' ? 'km' : 'mi'),
  set: (unit: Unit): void => localStorage.setItem(UNIT_KEY, unit),
};

/** A distance in the owner's unit, with thousands separators. */
export function distance(mi: number, unit: Unit, digits = 0): string {
  const value = unit === 'km' ? mi * 1.609344 : mi;
  return `${value.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** Tesla's charging states in plain words ("Disconnected" means not plugged in). */
export function chargingWords(state: string | null): string | null {
  const words: Record<string, string> = {
    Disconnected: 'not plugged in',
    Complete: 'charged',
    Stopped: 'plugged in, not charging',
    NoPower: 'plugged in, no power',
    Starting: 'starting to charge',
    Charging: 'charging',
  };
  return state === null ? null : (words[state] ?? state.toLowerCase());
}

const when = (iso: string): string => {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return today ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
};

/** What the car is doing, from the newest reading, and since when where that is known. */
export function statusText(s: GlanceState, lastDrive: LastDrive | null, lastCharge: LastCharge | null): string {
  const snap = s.snapshot;
  if (s.state === 'asleep') return 'Asleep';
  if (s.state === 'offline') return 'Offline';
  if (snap === null) return 'No reading yet';
  if (snap.shiftState === 'D' || snap.shiftState === 'R' || (snap.speedMph ?? 0) > 0)
    return `Driving${snap.speedMph ? ` · ${Math.round(snap.speedMph)} mph` : ''}`;
  if (snap.chargingState === 'Charging') {
    const kw = snap.detail?.chargerPowerKw;
    const h = snap.detail?.timeToFullChargeH;
    const full = h ? ` · full in ${h >= 1 ? `${Math.floor(h)} h ` : ''}${Math.round((h % 1) * 60)} min` : '';
    return `Charging${kw ? ` at ${kw} kW` : ''}${full}${lastCharge ? ` · since ${when(lastCharge.start.at)}` : ''}`;
  }
  const plug = chargingWords(snap.chargingState);
  return `Parked${lastDrive ? ` since ${when(lastDrive.endedBy)}` : ''}${plug ? ` · ${plug}` : ''}`;
}

/** Fills the first screen's summary for the car. */
export async function renderGlance(vin: string, s: GlanceState): Promise<void> {
  const unit = unitStore.get();
  const [{ drives }, { charges }] = await Promise.all([
    api<{ drives: LastDrive[] }>(`/vehicles/${vin}/drives?order=newest&limit=1`),
    api<{ charges: LastCharge[] }>(`/vehicles/${vin}/charges?order=newest&limit=1`),
  ]);
  const [drive, charge] = [drives[0] ?? null, charges[0] ?? null];
  const snap = s.snapshot;
  $('glance-battery').textContent = snap?.batteryLevel != null ? `${snap.batteryLevel} %` : '–';
  $('glance-range').textContent = snap?.rangeMi != null ? distance(snap.rangeMi, unit) : '–';
  $('glance-status').textContent = statusText(s, drive, charge);
  const place = snap?.location ? ` · at ${snap.location.latitude.toFixed(4)}, ${snap.location.longitude.toFixed(4)}` : '';
  $('glance-where').textContent = place ? `Last seen${place}` : '';
  $('glance-drive').textContent = drive
    ? `Last drive: ${distance(drive.distanceMi, unit, 1)}, ended by ${when(drive.endedBy)}`
    : 'No drive recorded yet: drives appear once the car has driven and parked.';
  $('glance-charge').textContent = charge
    ? `Last charge: ${charge.energyAddedKwh != null ? `+${charge.energyAddedKwh.toFixed(1)} kWh` : 'energy unknown'}${charge.end.batteryLevel != null ? ` to ${charge.end.batteryLevel} %` : ''}, ${when(charge.start.at)}`
    : 'No charge recorded yet.';
}
