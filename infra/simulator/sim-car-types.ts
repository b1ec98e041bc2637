import type { DriveProfile } from './drive-profile';

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

/** A plug-in during which the car charged, as it happened: ground truth for checking what a logger recorded. */
export interface ChargeSession {
  startAt: number;
  endAt: number | null;
  /** What the battery took (the car's `charge_energy_added`). */
  energyKwh: number;
  /** What the car drew from the charger for it: what a meter at the wall counts, and a per-kWh tariff bills. */
  drawnKwh: number;
  startLevel: number;
  endLevel: number | null;
  /** DC fast charging. */
  dc: boolean;
  /** When it last drew power (it may stay plugged in after, until `endAt`). */
  chargedUntil: number;
  /** The energy taken and drawn so far at each step of the simulation: what a tariff's true cost is worked out from. */
  energyLog: Array<{ at: number; kwh: number; drawnKwh: number }>;
}

/** A drive as it happened, for checking what a logger recorded. */
export interface Trip {
  startAt: number;
  endAt: number | null;
  startOdometerMi: number;
  endOdometerMi: number | null;
  /** Energy drawn from the battery while driving (kWh). */
  energyKwh?: number;
}

export class UnknownCommandError extends Error {
  constructor(name: string) {
    super(`unknown command ${name}`);
    this.name = 'UnknownCommandError';
  }
}
