import { HOUR_MS } from '../../shared/domain/clock';
import { DEFAULT_SIGNALS, monthlySignals, type CarMonth, type SignalEstimate } from '../../shared/domain/telemetry/signal-set';
import type { ChargeSession, Trip } from '../simulator/sim-car-types';

/**
 * What streaming the default signal set would have cost for a simulated car's period, from its true driving and
 * charging, and the time it was awake had nothing polled it (streaming does not keep a car awake). The change rates
 * behind the count are the signal set's estimates, not a simulated stream.
 */
export function streamingEstimate(trips: readonly Trip[], sessions: readonly ChargeSession[], awakeUnpolledMinutes: number, end: number): SignalEstimate {
  const hours = (from: number, to: number): number => Math.max(0, Math.min(to, end) - from) / HOUR_MS;
  const drivingHours = trips.reduce((sum, t) => sum + hours(t.startAt, t.endAt ?? end), 0);
  const charging = (s: ChargeSession): number => hours(s.startAt, s.chargedUntil);
  const chargingHours = sessions.reduce((sum, s) => sum + charging(s), 0);
  const month: CarMonth = {
    drivingHours,
    chargingHours,
    dcChargingHours: sessions.filter((s) => s.dc).reduce((sum, s) => sum + charging(s), 0),
    parkedOnlineHours: Math.max(0, awakeUnpolledMinutes / 60 - drivingHours - chargingHours),
    drives: trips.length,
    sessions: sessions.length,
  };
  return monthlySignals(DEFAULT_SIGNALS, month);
}
