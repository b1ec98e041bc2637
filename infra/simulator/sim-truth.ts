import type { ChargeSession, Trip } from './sim-car-types';

/** What really happened to a simulated car, kept for benchmarks to hold a logger's records against. */
export class SimTruth {
  /** Every drive so far, the last one open while the car drives. */
  readonly trips: Trip[] = [];
  /** Every plug-in during which the car charged, with the energy it took; the last one open while plugged in. */
  readonly chargeSessions: ChargeSession[] = [];

  /** The car drives at `at`: opens a trip unless one is open. */
  driving(at: number, odometerMi: number): void {
    const open = this.trips[this.trips.length - 1];
    if (open === undefined || open.endAt !== null)
      this.trips.push({ startAt: at, endAt: null, startOdometerMi: odometerMi, endOdometerMi: null, energyKwh: 0 });
  }

  /** The open trip drew this much energy from the battery. */
  drew(kwh: number): void {
    const open = this.trips[this.trips.length - 1];
    if (open !== undefined && open.endAt === null) open.energyKwh = (open.energyKwh ?? 0) + kwh;
  }

  /** The car stands still from `at`: closes the open trip. */
  stopped(at: number, odometerMi: number): void {
    const open = this.trips[this.trips.length - 1];
    if (open === undefined || open.endAt !== null) return;
    open.endAt = at;
    open.endOdometerMi = odometerMi;
  }

  /** Unplugged at `at`: closes the open session. */
  unplugged(at: number, level: number): void {
    const session = this.chargeSessions[this.chargeSessions.length - 1];
    if (session === undefined || session.endAt !== null) return;
    session.endAt = at;
    session.endLevel = level;
  }

  /**
   * Charging from `at` until `until`, with `energyKwh` taken since the plug-in and `drawnKwh` drawn from the charger
   * for it: opens a session unless one is open.
   */
  charging(at: number, until: number, level: number, dc: boolean, energyKwh: number, drawnKwh: number): void {
    const session = this.chargeSessions[this.chargeSessions.length - 1];
    if (session === undefined || session.endAt !== null) {
      const energyLog = [{ at, kwh: energyKwh, drawnKwh }];
      this.chargeSessions.push({ startAt: at, endAt: null, energyKwh, drawnKwh, startLevel: level, endLevel: null, dc, chargedUntil: until, energyLog });
    } else {
      session.energyKwh = energyKwh;
      session.drawnKwh = drawnKwh;
      session.chargedUntil = Math.max(session.chargedUntil, until);
      if (until > session.energyLog[session.energyLog.length - 1]!.at) session.energyLog.push({ at: until, kwh: energyKwh, drawnKwh });
    }
  }
}
