import { batteryHealth } from '../../shared/domain/battery/battery-health';
import type { ChargingSession, Drive } from '../../shared/domain/history/history-records';
import type { SimPack } from '../simulator/sim-energy';

/**
 * The battery-health estimate the API gives against the simulated pack's true capacity (the profile's
 * `batteryHealthPercent` of 75 kWh): each month's estimate, the largest error, and why drives were left out.
 */
export function batteryAccuracy(drives: readonly Drive[], charges: readonly ChargingSession[], ratedWhPerMi: number | null, pack: SimPack): string {
  const health = batteryHealth(drives, charges, ratedWhPerMi);
  const left = Object.entries(health.leftOut)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  const truth = `the pack holds ${pack.kwh.toFixed(1)} kWh, ${(pack.milesPerPercent * 100).toFixed(1)} rated mi full`;
  if (health.months.length === 0) return `no month with enough qualifying drives (${truth}${left ? `; left out: ${left}` : ''})`;
  const errors = health.months.map((m) => (m.capacityKwh === null ? null : Math.abs(m.capacityKwh - pack.kwh) / pack.kwh));
  const months = health.months
    .map((m) => `${m.month}: ${m.capacityKwh === null ? '—' : `${m.capacityKwh.toFixed(1)} kWh`} (${m.fullRangeMi.toFixed(1)} mi, ${m.samples} drives)`)
    .join('; ');
  const largest = errors.every((e) => e === null)
    ? 'no capacity (no charging session showed the rated consumption)'
    : `${(Math.max(...errors.map((e) => e ?? 0)) * 100).toFixed(2)} % off at most`;
  return `${months}; ${truth}: ${largest} (target ≤ 1 %)${left ? `; left out: ${left}` : ''}`;
}
