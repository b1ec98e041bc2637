import type { ChargingSession } from '../history/history-records';
import type { Snapshot } from '../snapshot';
import type { EnergyPoint } from './session-cost';

/**
 * A session's energy over time, from the car's own count at each reading: none when it began (after the reading
 * before), the count at each reading inside it (never falling, never above the session's total), and the total
 * by its end. Between two readings the count says only how much, not when: see sessionCost.
 */
export function energyPoints(session: ChargingSession, readings: readonly Snapshot[]): EnergyPoint[] {
  const total = session.energyAddedKwh ?? 0;
  const points: EnergyPoint[] = [{ at: session.startedAfter, kwh: 0 }];
  let last = 0;
  for (const r of [...readings].sort((a, b) => a.takenAt - b.takenAt)) {
    const kwh = r.detail?.chargeEnergyAddedKwh;
    if (r.takenAt <= session.startedAfter || r.takenAt > session.endBy || kwh == null) continue;
    last = Math.min(total, Math.max(last, kwh));
    points.push({ at: r.takenAt, kwh: last });
  }
  points.push({ at: Math.max(session.endBy, points[points.length - 1]!.at), kwh: total });
  return points;
}

/**
 * When the session was plugged in, as best the readings tell: from halfway between the reading before and the
 * first that saw it charging, to halfway between the last that did and the one after. A session no reading saw
 * charging is taken to fill the time between its two readings.
 */
export function pluggedInterval(session: ChargingSession): { from: number; to: number } {
  if (session.readings === 0) return { from: session.startedAfter, to: session.endBy };
  return { from: (session.startedAfter + session.start.at) / 2, to: (session.lastChargingAt + session.endBy) / 2 };
}
