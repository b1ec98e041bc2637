import type { SnapshotDetail } from '../snapshot';

type ChargerFields = Pick<SnapshotDetail, 'chargerPowerKw' | 'chargerVoltageV' | 'chargerActualCurrentA' | 'chargerPhases' | 'fastChargerPresent'>;

/**
 * What the car draws from the charger at a reading (kW), or null when it does not say. On AC, volts × amps × phases:
 * `charger_power` is whole kW (±25 % at 2 kW), the current and voltage are finer. Cars are known to misreport the
 * phases (two on a three-phase supply, or a line-to-line voltage with three), so the count is the one the whole kW
 * bears out when it is clearly another. On DC, `charger_power`: the current and voltage are then the battery's.
 */
export function chargerDrawKw(d: ChargerFields | undefined): number | null {
  if (d === undefined) return null;
  const power = d.chargerPowerKw;
  if (d.fastChargerPresent === true) return power !== null && power > 0 ? power : null;
  const volts = d.chargerVoltageV;
  const amps = d.chargerActualCurrentA;
  if (volts === null || amps === null || volts <= 0 || amps <= 0) return power !== null && power > 0 ? power : null;
  const singleKw = (volts * amps) / 1000;
  return singleKw * phasesOf(d.chargerPhases, power, singleKw);
}

/** Reported phases, unless the whole-kW power (4 kW or more, so its rounding is small) clearly says another factor. */
function phasesOf(reported: number | null, powerKw: number | null, singleKw: number): number {
  const phases = reported !== null && reported >= 1 && reported <= 3 ? reported : 1;
  if (powerKw === null || powerKw < 4) return phases;
  const implied = powerKw / singleKw;
  if (Math.abs(implied - phases) / phases <= 0.15) return phases;
  // Three phases reported with the line-to-line voltage: the power is √3 × volts × amps, not 3 ×.
  if (phases === 3 && Math.abs(implied - Math.sqrt(3)) <= 0.15) return Math.sqrt(3);
  const whole = Math.round(implied);
  return whole >= 1 && whole <= 3 && Math.abs(implied - whole) <= 0.15 * whole ? whole : phases;
}
