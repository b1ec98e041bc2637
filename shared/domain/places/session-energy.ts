import type { ChargingSession } from '../history/history-records';
import type { Snapshot } from '../snapshot';
import type { EnergyPoint } from './session-cost';

const HOUR_MS = 3_600_000;

/**
 * When the session charged, as best the readings tell. The car's count and its charger power at the first reading
 * that saw it charging say how long it had charged by then (kWh ÷ kW), and at the last one how long it still had to
 * go; without a power, halfway into the gaps the readings leave. Always within the bounds the readings give (it
 * began after the reading before, ended by the one after). The readings see charging, not the cable: a car left
 * plugged in after it finished is not counted. A session no reading saw charging fills the time between its two
 * readings.
 */
export function chargingInterval(session: ChargingSession, readings: readonly Snapshot[] = []): { from: number; to: number } {
  if (session.readings === 0) return { from: session.startedAfter, to: session.endBy };
  const charging = inSession(session, readings).filter((r) => r.chargingState === 'Charging');
  const first = charging[0];
  const last = charging[charging.length - 1];
  const total = session.energyAddedKwh;
  // The charger power is what the car draws, more than its count of what it added: time is drawn kWh over drawn kW.
  const scale = drawnPerAdded(session);
  const from = estimate(first, (kwh, kw) => first!.takenAt - ((kwh * scale) / kw) * HOUR_MS) ?? (session.startedAfter + session.start.at) / 2;
  const to =
    estimate(last, (kwh, kw) => (total === null ? Number.NaN : last!.takenAt + (((total - kwh) * scale) / kw) * HOUR_MS)) ??
    (session.lastChargingAt + session.endBy) / 2;
  return { from: clamp(from, session.startedAfter, session.start.at), to: clamp(to, session.lastChargingAt, session.endBy) };
}

/** kWh drawn from the charger per kWh the car counted in: 1 when the session's draw is not known. */
export function drawnPerAdded(session: Pick<ChargingSession, 'energyAddedKwh' | 'energyUsedKwh'>): number {
  const added = session.energyAddedKwh;
  return session.energyUsedKwh !== undefined && added !== null && added > 0 ? session.energyUsedKwh / added : 1;
}

/**
 * A session's energy over time, as a meter at the charger would count it (what a per-kWh price bills): from the
 * car's own count at each reading, × what it drew per kWh it added when that is known (drawnPerAdded). None when it
 * began, the count at each reading inside it (never falling, never above the session's total), and the total when
 * it ended (as chargingInterval estimates both). Between two readings the count says only how much, not when: see
 * sessionCost.
 */
export function energyPoints(session: ChargingSession, readings: readonly Snapshot[]): EnergyPoint[] {
  const total = session.energyAddedKwh ?? 0;
  const scale = drawnPerAdded(session);
  const { from, to } = chargingInterval(session, readings);
  const points: EnergyPoint[] = [{ at: from, kwh: 0 }];
  let last = 0;
  for (const r of inSession(session, readings)) {
    const kwh = r.detail?.chargeEnergyAddedKwh;
    if (kwh == null || r.takenAt <= from) continue;
    last = Math.min(total, Math.max(last, kwh));
    points.push({ at: r.takenAt, kwh: last * scale });
  }
  points.push({ at: Math.max(to, points[points.length - 1]!.at), kwh: total * scale });
  return points;
}

function inSession(session: ChargingSession, readings: readonly Snapshot[]): Snapshot[] {
  return readings.filter((r) => r.takenAt > session.startedAfter && r.takenAt <= session.endBy).sort((a, b) => a.takenAt - b.takenAt);
}

/** A time from a reading's count and charger power, or null when the reading does not give both. */
function estimate(reading: Snapshot | undefined, at: (kwh: number, kw: number) => number): number | null {
  const kwh = reading?.detail?.chargeEnergyAddedKwh;
  const kw = reading?.detail?.chargerPowerKw;
  if (kwh == null || kw == null || kw <= 0) return null;
  const t = at(kwh, kw);
  return Number.isFinite(t) ? t : null;
}

const clamp = (t: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, t));
