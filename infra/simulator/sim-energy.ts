/**
 * The simulated car's energy model: what driving, standing and charging do to its battery. Round figures for a
 * Model 3 Long Range, close enough to real cars that derived efficiency, drain and charging figures look like the
 * ones owners know, and simple enough that a benchmark can hold a logger to them.
 */

/** Usable pack of a new car: 1 % is 0.75 kWh. */
export const PACK_KWH = 75;
/** Rated range per battery % of a new car, as the car reports `battery_range`. */
export const MILES_PER_PERCENT = 3.1;
/** The car's rated consumption (Wh per rated mile, ~242): fixed by the model, so a worn pack shows fewer rated miles. */
export const RATED_WH_PER_MI = (PACK_KWH * 1000) / (MILES_PER_PERCENT * 100);

/** A simulated car's battery: what it holds now, and the rated miles each % of it is worth. */
export interface SimPack {
  kwh: number;
  milesPerPercent: number;
}

export const NEW_PACK: SimPack = { kwh: PACK_KWH, milesPerPercent: MILES_PER_PERCENT };

/** A pack worn to `healthPercent` of its new capacity (the profile's `batteryHealthPercent`; 100: new). */
export function packOf(healthPercent = 100): SimPack {
  const kwh = (PACK_KWH * healthPercent) / 100;
  return { kwh, milesPerPercent: (kwh * 1000) / RATED_WH_PER_MI / 100 };
}

/**
 * Wh per mile at a steady speed: rolling resistance plus drag, which grows with the square of speed (~195 Wh/mi at
 * 30 mph, ~250 at 65, ~290 at 80), and more in the cold (cabin and battery heating, +1.5 % per °C below 15 °C) or
 * the heat (air conditioning, +1 % per °C above 30 °C).
 */
export function driveWhPerMile(speedMph: number, outsideTempC: number): number {
  const base = 180 + 0.016 * speedMph * speedMph;
  const cold = Math.max(0, 15 - outsideTempC) * 0.015;
  const hot = Math.max(0, outsideTempC - 30) * 0.01;
  return base * (1 + cold + hot);
}

/** What a parked car draws, in kW: a little asleep, more awake, much more with the cabin conditioned. */
export function parkedDrawKw(state: { asleep: boolean; sentry: boolean; climate: boolean }, outsideTempC: number): number {
  if (state.asleep) return ASLEEP_KW;
  let kw = AWAKE_KW;
  if (state.sentry) kw += SENTRY_EXTRA_KW;
  if (state.climate) kw += climateKw(outsideTempC);
  return kw;
}

/** Asleep: ~0.5 % a day. */
export const ASLEEP_KW = 0.016;
/** Awake and idle (computers on): ~0.3 % an hour. */
export const AWAKE_KW = 0.22;
/** Sentry's cameras on top of being awake: ~0.25 kW more. */
export const SENTRY_EXTRA_KW = 0.25;

/** The cabin conditioned: more the further outside is from a comfortable 21 °C. */
export function climateKw(outsideTempC: number): number {
  return 1 + Math.abs(outsideTempC - 21) * 0.12;
}

/**
 * A DC fast charger's power at a state of charge: the peak up to 30 %, then falling steadily to a tenth of it at
 * 100 %, as Superchargers taper.
 */
export function dcChargeKw(peakKw: number, batteryLevel: number): number {
  if (batteryLevel <= 30) return peakKw;
  const share = 1 - (0.9 * (Math.min(100, batteryLevel) - 30)) / 70;
  return peakKw * share;
}

/** AC charging: the share of what the car draws that reaches the battery, before its own electronics' draw. */
const AC_CONVERSION = 0.95;
/** AC charging: the car's computers, pumps and contactors, drawn from the charger while it charges (kW). */
const AC_OVERHEAD_KW = 0.25;
/** DC charging: the share of what the charger delivers that reaches the battery (the rest runs the car and its cooling). */
const DC_CONVERSION = 0.97;

/**
 * What the car draws from the charger (kW, as its `charger_power` reports) while `batteryKw` goes into the battery.
 * AC loses ~5 % converting, plus a fixed draw while it charges: ~11 % at 16 A on 240 V, ~19 % at 12 A on 120 V, as
 * owners measure.
 */
export function drawForBatteryKw(batteryKw: number, dc: boolean): number {
  if (batteryKw <= 0) return 0;
  return dc ? batteryKw / DC_CONVERSION : batteryKw / AC_CONVERSION + AC_OVERHEAD_KW;
}

/** The simulated cars' AC supply (V), single phase. */
export const AC_VOLTS = 240;

/**
 * AC charging at a battery rate of about `batteryKw`, as a real charger delivers it: the car draws whole amps (the
 * charger's pilot signal sets them, and the car reports `charger_actual_current` in whole amps), so the battery
 * takes what those amps give after the losses (see drawForBatteryKw).
 */
export function wholeAmpsKw(batteryKw: number): number {
  const amps = Math.max(1, Math.round((drawForBatteryKw(batteryKw, false) * 1000) / AC_VOLTS));
  return ((amps * AC_VOLTS) / 1000 - AC_OVERHEAD_KW) * AC_CONVERSION;
}

/** Battery % that `kwh` makes up. */
export const percentOf = (kwh: number, pack: SimPack = NEW_PACK): number => (kwh / pack.kwh) * 100;

/** DC charging power changes with the charge, so it is integrated in steps this long. */
const CHARGE_STEP_MS = 60_000;

/**
 * Charges from `level` towards `limit` for `ms` at `kwAt(level)` into the battery, in steps: where it ends, what
 * the battery took, what the car drew from the charger for it (`dc` says how), and how long it charged (less than
 * `ms` when it reached the limit).
 */
export function integrateCharge(
  level: number,
  limit: number,
  ms: number,
  kwAt: (level: number) => number,
  pack: SimPack = NEW_PACK,
  dc = false,
): { level: number; addedKwh: number; drawnKwh: number; chargedMs: number } {
  let t = 0;
  let addedKwh = 0;
  let drawnKwh = 0;
  while (t < ms && level < limit) {
    const step = Math.min(CHARGE_STEP_MS, ms - t);
    const kw = kwAt(level);
    const gained = percentOf((kw * step) / 3_600_000, pack);
    const needed = limit - level;
    const taken = Math.min(gained, needed);
    const charged = gained > needed ? (needed / gained) * step : step;
    level += taken;
    addedKwh += (taken / 100) * pack.kwh;
    drawnKwh += (drawForBatteryKw(kw, dc) * charged) / 3_600_000;
    t += charged;
  }
  return { level, addedKwh, drawnKwh, chargedMs: t };
}
