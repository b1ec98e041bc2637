/**
 * The records a car's history is made of, derived from the snapshots the collector already reads (no extra billed
 * request). Times are ms since the epoch; distances in miles, as the car reports them.
 */

/** A point of a drive: the reading that bounds it, and where the car was when location is on. */
export interface HistoryPoint {
  at: number;
  odometerMi: number;
  batteryLevel: number | null;
  rangeMi: number | null;
  location: { latitude: number; longitude: number } | null;
}

export interface Drive {
  vin: string;
  /** Stable: the start reading's time, so deriving again gives the same id. */
  id: string;
  /**
   * The drive began after `start.at` (the last reading before it) and by `startedBy` (the first reading that saw
   * it moving; equal to the end bound when no reading saw it moving). It ended after `endedAfter` and by `end.at`.
   */
  start: HistoryPoint;
  startedBy: number;
  /**
   * A later lower bound of the start than `start.at`: the last time the car was listed asleep before it came online
   * for this drive (a car cannot drive asleep). Absent when no sleep came between (or before this was kept).
   */
  startedAfter?: number;
  endedAfter: number;
  /**
   * An earlier upper bound of the end than `end.at`: the first time the car was listed asleep after its last moving
   * reading, when the reading that found it parked was taken as it woke (so it had not driven since). Absent otherwise.
   */
  endedBy?: number;
  end: HistoryPoint;
  distanceMi: number;
  /** From the start's lower bound to the end's upper bound: the longest the drive can have taken. */
  durationMs: number;
  /** An estimate of the energy the drive used, as the name says; `energyEstimate` says from what. */
  estimatedEnergyKwh: number | null;
  /**
   * What the estimate is: see EnergyEstimate. Absent on drives derived before it was kept (battery percent).
   */
  energyEstimate?: EnergyEstimate;
  /**
   * The rated miles the estimate counted, when it came from the rated range: what lets a drive estimated at the
   * assumed pack's size be estimated again at the car's rated consumption once its charging shows it.
   */
  ratedRangeUsedMi?: number;
  whPerMi: number | null;
  whPerKm: number | null;
  maxSpeedMph: number | null;
  /** The mean outside temperature (°C) the moving readings reported; absent when none did. */
  outsideTempC?: number;
  /** Readings that saw the car moving. */
  readings: number;
  /**
   * True when the car may have stopped (and gone on) between readings without a reading to show it: it was never
   * seen moving, or readings were far apart. The distance is exact either way; the number of trips is not.
   */
  mayHideStops: boolean;
  /** Set when the drive came from another logger's history (see ImportedFrom); absent for drives collected here. */
  imported?: ImportedFrom;
}

/**
 * How a drive's energy was estimated. `rated_range_charging`: the rated range used at the Wh per rated mile the car's
 * own recent charging sessions show (as established loggers do); `rated_range_pack`: the rated range used as a share
 * of the full rated range, × the pack's capacity (before any session has shown the car's rated consumption);
 * `battery_level`: whole battery percent used × the pack's capacity (no range reported); `imported`: the other
 * logger's own figure.
 */
export type EnergyEstimate = 'rated_range_charging' | 'rated_range_pack' | 'battery_level' | 'imported';

export interface ChargingSession {
  vin: string;
  id: string;
  /**
   * Began after `startedAfter` (the last reading before) and by `start.at`; ended after the last charging reading and
   * by `endBy`. `start.batteryLevel` is where it began: the first charging reading's level, or, when that reading's
   * count shows the session well under way and the car stood since the reading before, that reading's level.
   */
  startedAfter: number;
  start: { at: number; batteryLevel: number | null };
  lastChargingAt: number;
  endBy: number;
  end: { at: number; batteryLevel: number | null };
  /** The car's own count (`charge_energy_added`), the largest seen in the session. */
  energyAddedKwh: number | null;
  peakPowerKw: number | null;
  /** DC fast charging (Supercharger or other), from `fast_charger_present`. */
  kind: 'ac' | 'dc' | 'unknown';
  location: { latitude: number; longitude: number } | null;
  durationMs: number;
  readings: number;
  /**
   * The kWh the car counted in per rated mile it gained, in Wh, from its first charging reading to the reading after
   * (sessions adding 10 rated miles or more): the car's rated consumption, which turns rated range used into energy.
   */
  ratedWhPerMi?: number;
  /**
   * What the car drew from the charger (kWh): more than it added, by the charging losses. Estimated from the charger's
   * draw (volts × amps on AC) and the car's count at consecutive charging readings; absent when no two readings in a
   * row gave both, or for an imported session that did not record it.
   */
  energyUsedKwh?: number;
  /** Set when the session came from another logger's history (see ImportedFrom); absent for sessions collected here. */
  imported?: ImportedFrom;
}

/**
 * Where a record from another logger came from. A TeslaFi import stores the readings, and the records derived from
 * them are marked; a TeslaMate import stores TeslaMate's own drives and sessions as it derived them (TeslaMate keeps
 * no readings to derive from), kept apart from what re-deriving replaces.
 */
export interface ImportedFrom {
  source: 'teslafi' | 'teslamate';
  /** The other logger's own id of the record (TeslaMate's row id); absent for records derived here. */
  recordId?: string;
  /** Names the other logger gave where a drive began and ended, or where a session was (TeslaMate's geofence or address). */
  fromName?: string | null;
  toName?: string | null;
  placeName?: string | null;
  /** A session's cost as the other logger kept it, in `currency` when the import was told it (else the owner's own). */
  cost?: number | null;
  currency?: string | null;
}

/** A stretch of a car's history that was imported from another logger's readings. */
export interface ImportedRange {
  vin: string;
  source: ImportedFrom['source'];
  fromMs: number;
  toMs: number;
}

/**
 * Parked and not charging, between the end of one drive or session and the start of the next: what the car lost
 * standing still (its "vampire drain"). Bounded by readings, so it may be shorter than the real idle time.
 */
export interface IdlePeriod {
  vin: string;
  id: string;
  startAt: number;
  endAt: number;
  durationMs: number;
  startBatteryLevel: number | null;
  endBatteryLevel: number | null;
  /** Battery % lost (negative if it rose, e.g. a charge no reading saw). */
  batteryLost: number | null;
  rangeLostMi: number | null;
  /** Battery % lost per 24 hours, from the range lost where known (finer than the car's whole %), else batteryLost. */
  drainPercentPerDay: number | null;
  /**
   * The share of the period (0–1) the collector saw the car asleep, from the state it lists every pass (free); null
   * when no state was observed (history derived from snapshots stored before observations were kept).
   */
  asleepShare: number | null;
  /**
   * True when the period ended as a charging session began and no parked reading came between: the end level is the
   * first charging reading's, less the energy the car says that session had added by then.
   */
  endedByCharge?: boolean;
  /**
   * True when the period ended as the car woke for a drive the first reading already saw under way: the car was
   * parked until it woke, so the period runs to then, and its end level and range are the first moving reading's,
   * plus the range of the distance it had covered (an estimate, within a mile or two of driving).
   */
  endedByWake?: boolean;
}

/** The car's online state as the collector's free list call saw it change: the raw material of `asleepShare`. */
export interface StateChange {
  vin: string;
  at: number;
  state: 'online' | 'asleep' | 'offline' | 'unknown';
  /** The last time the car was seen in its earlier state (the list before this one); absent in older changes. */
  since?: number;
}

/** One software version and when the collector first saw it. */
export interface SoftwareVersionSeen {
  vin: string;
  version: string;
  firstSeenAt: number;
}
