import { budgetPace, callPrices, carBudgetUsd, costUsd, monthKey, type BudgetPace } from './billing';
import { MINUTE_MS, type Clock } from './clock';
import { mapWithConcurrency } from './concurrency';
import type { FleetApi } from './fleet-api';
import { FleetApiError, MissingScopeError, RateLimitedError, UnreadableAnswerError, VehicleUnavailableError } from './fleet-errors';
import {
  afterFailure,
  afterSnapshot,
  decidePoll,
  normalizeMemory,
  type PollDecision,
  type PollFailure,
  type PollingMemory,
  type PollingTuning,
} from './polling-policy';
import { ACCOUNT_SCOPE, meteredFleetApi, RequestMeter, type RequestCounts } from './request-meter';
import { afterListing, listDue, NEW_LISTING, type ListingMemoryStore } from './list-policy';
import { deriveKeepingReadings, recordHistory, recordStateChange } from './history/history-recorder';
import type { HistoryStore } from './history/history-store';
import { snapshotFromVehicleData, type Snapshot } from './snapshot';
import type { SuperchargerBillingStore } from './supercharger/billing-store';
import { syncBillingOfCars } from './supercharger/billing-pass';
import type { Log, SnapshotStore, UsageLedger, VehicleProblem, VehicleRecord, VehicleStore } from './stores';
import type { VehicleSummary } from './vehicle';
import { STREAMING_FRESH_MS, streamSilence, type StreamSilence, type StreamWatch } from './telemetry/stream-watch';
import { RENEW_BEFORE_MS } from './telemetry/telemetry-health';

export interface CollectorDeps {
  fleet: FleetApi;
  vehicles: VehicleStore;
  snapshots: SnapshotStore;
  usage: UsageLedger;
  clock: Clock;
  log: Log;
  includeLocation: boolean;
  /** The account's monthly Tesla budget in USD, shared equally by its cars. */
  monthlyBudgetUsd: number;
  /** Cars handled at once. */
  concurrency?: number;
  /** Where derived history (drives, charging sessions) is kept; updated as each snapshot arrives. */
  history?: HistoryStore;
  /** Where the pass counts its Fleet requests (given when the caller also counts retries the client made itself). */
  meter?: RequestMeter;
  /** What a list or state call costs, if Tesla ever bills them (USD per call; default 0, as reported). */
  listCallPriceUsd?: number;
  /** What a charging-history call costs (USD per call; default: the data price). */
  historyCallPriceUsd?: number;
  /** Where Tesla's Supercharger records are kept; with it (and history), each car's billing is synced once an hour. */
  billing?: SuperchargerBillingStore;
  /** Read Tesla's charging history for DC sessions' bills (default true when `billing` is given). */
  superchargerCosts?: boolean;
  /** Once every car has been asleep this long, list the cars only this often (default 0: every pass). */
  asleepListIntervalMs?: number;
  /** Where that is remembered between passes (needed with asleepListIntervalMs). */
  listing?: ListingMemoryStore;
  /**
   * When the pass before this one listed the cars (its start), if it did: a car whose listed state changed since was
   * in its earlier state then, which bounds when it woke. The vehicle records' lastSeenAt is refreshed only every
   * few minutes, so it alone would bound it loosely.
   */
  lastListedAt?: number | null;
  /** The owner's tuning of the polling policy (default: its defaults). */
  polling?: PollingTuning;
  /**
   * The scopes the stored login grants, read afresh (not from a cache): asked only while a car waits for a scope it
   * lacked, so a car backing off after a missing scope is read as soon as the owner has signed in again with it.
   */
  grantedScopes?: () => Promise<readonly string[] | null>;
  /** Told of each new reading (notifications); its failure never fails the reading. */
  onReading?: (car: { vin: string; displayName: string | null }, reading: Snapshot) => Promise<void>;
  /**
   * With streaming on: when the car last streamed a record (its time), or null. A car that streamed within
   * STREAMING_FRESH_MS is not read: the stream records it, and a billed read would only cost money and keep it awake.
   */
  streamedAt?: (vin: string) => Promise<number | null>;
  /** With streaming on: whether the car should stream and its connection, to tell a car gone silent. */
  streamWatch?: (vin: string) => Promise<StreamWatch | null>;
}

export interface VehicleOutcome {
  vin: string;
  state: VehicleSummary['state'];
  decision: PollDecision['action'] | 'failed';
  reason: string;
  snapshotWritten: boolean;
  odometerMi?: number | null;
  /** When polling is slowed by the budget, by how much. */
  slowdown?: number;
  /** The month's spend on this car as a share of its budget. */
  budgetUsedPercent: number;
  /**
   * Online but without a fresh reading for longer than the policy ever waits, failing pass after pass, or a car that
   * should stream and does not (streaming_silent).
   */
  needsAttention: boolean;
  /** The car's streaming configuration ends then (ms), within RENEW_BEFORE_MS: the owner is told to renew it. */
  streamingExpiresAt?: number;
}

export interface CollectorSummary {
  startedAt: string;
  vehiclesSeen: number;
  snapshotsWritten: number;
  /** Cars that need the owner (see VehicleOutcome.needsAttention); a metric the stack alarms on. */
  vehiclesNeedingAttention: number;
  /** Fleet requests this pass made, by billing category. */
  requests: RequestCounts;
  vehicles: VehicleOutcome[];
  /** Every car has been asleep for a while, and this pass did not list them (see asleepListIntervalMs). */
  listSkipped?: boolean;
}

/** An online car the policy would have read within this (its longest quiet window is 4 h), times the budget's slowdown. */
const STALE_ONLINE_MS = 6 * 60 * MINUTE_MS;
/** Failed reads in a row after which a car needs the owner. */
const FAILING_PASSES = 5;

/** A vehicle record whose only change is lastSeenAt is rewritten at most this often (it is what `GET /vehicles` shows). */
const SEEN_REFRESH_MS = 10 * MINUTE_MS;

/**
 * One collector pass: list the account's cars (free), and for each car let the polling policy decide whether
 * a billed `vehicle_data` request is worth it, at the pace the month's budget allows. A car's failure is recorded
 * in its outcome and never stops the others; only failing to list the cars fails the pass. The requests made are
 * added to the usage ledger.
 */
export async function runCollectorPass(deps: CollectorDeps): Promise<CollectorSummary> {
  const meter = deps.meter ?? new RequestMeter();
  const fleet = meteredFleetApi(deps.fleet, meter);
  const startedAt = deps.clock.now();
  try {
    const interval = deps.asleepListIntervalMs ?? 0;
    const listing = interval > 0 && deps.listing ? ((await deps.listing.getListingMemory()) ?? NEW_LISTING) : null;
    if (listing && !listDue(listing, startedAt, interval)) {
      return {
        startedAt: new Date(startedAt).toISOString(),
        vehiclesSeen: 0,
        snapshotsWritten: 0,
        vehiclesNeedingAttention: 0,
        requests: { ...meter.counts },
        vehicles: [],
        listSkipped: true,
      };
    }
    const cars = await fleet.listVehicles();
    if (listing) await deps.listing!.putListingMemory(afterListing(listing, cars, startedAt));
    // The account's own calls (the list) are paid from the budget before it is shared among the cars.
    const price = deps.listCallPriceUsd ?? 0;
    const accountSpend = price > 0 ? costUsd(await deps.usage.getUsage(ACCOUNT_SCOPE, monthKey(startedAt)), { listCallUsd: price }) : 0;
    const budgetPerCar = carBudgetUsd(deps.monthlyBudgetUsd, accountSpend, cars.length);
    const outcomes = await mapWithConcurrency(cars, deps.concurrency ?? 4, (car) => collectOne({ ...deps, fleet }, car, budgetPerCar));
    await syncBillingOfCars({ ...deps, fleet }, cars, startedAt);
    return {
      startedAt: new Date(startedAt).toISOString(),
      vehiclesSeen: cars.length,
      snapshotsWritten: outcomes.filter((o) => o.snapshotWritten).length,
      vehiclesNeedingAttention: outcomes.filter((o) => o.needsAttention).length,
      requests: { ...meter.counts },
      vehicles: outcomes,
    };
  } finally {
    await meter.saveTo(deps.usage, startedAt);
  }
}

async function collectOne(deps: CollectorDeps, car: VehicleSummary, budgetUsd: number): Promise<VehicleOutcome> {
  const now = deps.clock.now();
  const [previous, spent] = await Promise.all([deps.vehicles.getVehicle(car.vin), deps.usage.getUsage(car.vin, monthKey(now))]);
  const spentUsd = costUsd(spent, callPrices(deps));
  const pace: BudgetPace = budgetPace(spentUsd, budgetUsd, now);
  const step = decidePoll(await afterNewLogin(deps, previous, normalizeMemory(previous?.polling)), car.state, now, pace);
  const record: VehicleRecord = {
    vin: car.vin,
    displayName: car.displayName,
    state: car.state,
    listedState: car.state,
    lastSeenAt: now,
    lastSnapshotAt: previous?.lastSnapshotAt ?? null,
    polling: step.memory,
    ...(previous?.problem ? { problem: previous.problem } : {}),
  };
  // A streaming car's silence is counted while it stays online; asleep, it streams nothing by design.
  const silentSince = car.state === 'online' ? (previous?.streamSilentSince ?? null) : null;
  // A change of the listed state (free to see) goes into the history first: idle periods count the car's sleep.
  const listedBefore = previous === null ? null : (previous.listedState ?? previous.state);
  if (deps.history && listedBefore !== car.state)
    await recordHistorySafely(deps, car.vin, (history) => recordStateChange(history, { vin: car.vin, at: now, state: car.state, ...sinceOf(previous, deps) }));
  const budgetUsedPercent = budgetUsd > 0 ? Math.round((spentUsd / budgetUsd) * 1000) / 10 : 100;
  const base = {
    vin: car.vin,
    state: car.state,
    snapshotWritten: false,
    budgetUsedPercent,
    needsAttention: false,
    ...(pace.slowdown > 1 ? { slowdown: pace.slowdown } : {}),
  };

  if (step.decision.action === 'skip') {
    const kept = silentSince === null ? record : { ...record, streamSilentSince: silentSince };
    return skipCar(deps, { previous, record: kept, pace, now, base }, step.decision.reason);
  }
  const streamed = deps.streamedAt ? await deps.streamedAt(car.vin) : null;
  const watch = deps.streamWatch ? await deps.streamWatch(car.vin) : null;
  const until = watch?.configuredUntil ?? null;
  const due = until !== null && until - now <= RENEW_BEFORE_MS ? { ...base, streamingExpiresAt: until } : base;
  if (streamed !== null && now - streamed <= STREAMING_FRESH_MS) {
    // It streams: whatever silence was seen before is over.
    const problem = record.problem?.code === 'streaming_silent' ? null : record.problem;
    const streaming = { ...record, problem, lastSnapshotAt: Math.max(streamed, record.lastSnapshotAt ?? 0) };
    return skipCar(deps, { previous, record: streaming, pace, now, base: due }, `streaming: a record ${Math.round((now - streamed) / MINUTE_MS)} min ago`);
  }
  const silence = streamSilence(watch, { listedOnline: car.state === 'online', lastRecordAt: streamed, silentSince }, now);
  return pollCar(deps, { car, previous, record, pace, now, base: due }, step.decision.reason, silence);
}

/**
 * Reads the car (billed) and keeps what the read says: its snapshot, or the failure and what the owner must do. A car
 * that should stream and does not (`silence`) is flagged, unless the read finds it asleep (it streams nothing then).
 */
async function pollCar(
  deps: CollectorDeps,
  c: { car: VehicleSummary; previous: VehicleRecord | null; record: VehicleRecord; pace: BudgetPace; now: number; base: OutcomeBase },
  reason: string,
  silence: StreamSilence,
): Promise<VehicleOutcome> {
  const { car, previous, record, pace, now, base } = c;
  const silent = silence.silentSince !== null ? { streamSilentSince: silence.silentSince } : {};
  try {
    const snapshot = await readCar(deps, car);
    await deps.vehicles.putVehicle({
      ...record,
      ...silent,
      problem: silence.problem,
      lastSnapshotAt: Math.max(snapshot.takenAt, record.lastSnapshotAt ?? 0),
      polling: afterSnapshot(record.polling, snapshot, now, pace, deps.polling),
    });
    // A car that should stream and does not needs the owner as much as one that cannot be read.
    return { ...base, decision: 'fetch', reason, snapshotWritten: true, odometerMi: snapshot.odometerMi, needsAttention: silence.problem !== null };
  } catch (error) {
    deps.log.warn('collector: vehicle failed', { vin: car.vin, error: describe(error) });
    const memory = afterFailure(record.polling, classifyFailure(error), now, deps.polling);
    const asleep = error instanceof VehicleUnavailableError;
    const state = asleep ? 'asleep' : record.state;
    const streamProblem = asleep ? null : silence.problem;
    const problem = problemOf(error, previous?.problem ?? null, now) ?? streamProblem;
    const before = asleep && record.problem?.code === 'streaming_silent' ? { ...record, problem: null } : record;
    await deps.vehicles.putVehicle({ ...before, ...(asleep ? {} : silent), state, polling: memory, ...(problem ? { problem } : {}) });
    const needsAttention = memory.failureStreak >= FAILING_PASSES || problem?.code === 'missing_scope' || streamProblem !== null;
    return { ...base, state, decision: 'failed', reason: describe(error), needsAttention };
  }
}

type OutcomeBase = Omit<VehicleOutcome, 'decision' | 'reason'>;

/** A car not read this pass: its record is kept, flagged when it is online yet has gone unread for too long. */
async function skipCar(
  deps: CollectorDeps,
  c: { previous: VehicleRecord | null; record: VehicleRecord; pace: BudgetPace; now: number; base: OutcomeBase },
  reason: string,
): Promise<VehicleOutcome> {
  const { record, pace, now } = c;
  const stale = record.state === 'online' && !pace.exhausted && now - (record.lastSnapshotAt ?? now) > STALE_ONLINE_MS * pace.slowdown;
  const message = 'online, but no reading for over 6 hours: check GET /vehicles/{vin}/state and the collector logs';
  const flagged: VehicleRecord = stale && record.problem?.code !== 'stale_data' ? { ...record, problem: { code: 'stale_data', message, since: now } } : record;
  if (changed(c.previous, flagged)) await deps.vehicles.putVehicle(flagged);
  return { ...c.base, decision: 'skip', reason, needsAttention: stale || record.polling.failureStreak >= FAILING_PASSES };
}

/** Reads the car (billed), stores the snapshot and its history, and tells the notifications. */
async function readCar(deps: CollectorDeps, car: VehicleSummary): Promise<Snapshot> {
  const data = await deps.fleet.getVehicleData(car.vin, { includeLocation: deps.includeLocation });
  const snapshot = snapshotFromVehicleData(car.vin, data, deps.clock.now());
  // An answer without an odometer is not a reading (the history is built on it): a failure, never a snapshot.
  if (snapshot.odometerMi === null) throw new UnreadableAnswerError('vehicle_data answer without an odometer', 200);
  if (!deps.includeLocation) snapshot.location = null;
  await deps.snapshots.putSnapshot(snapshot, deps.includeLocation ? data : withoutLocation(data));
  if (deps.history) await recordHistorySafely(deps, car.vin, (history) => recordHistory(history, snapshot));
  if (deps.onReading) {
    await deps
      .onReading({ vin: car.vin, displayName: car.displayName }, snapshot)
      .catch((error: unknown) => deps.log.warn('collector: notifications failed', { vin: car.vin, error: describe(error) }));
  }
  return snapshot;
}

/**
 * A car backing off after a missing scope is read again at once when the login now grants every scope it lacked
 * (the owner signed in again): waiting out the back-off would keep its banner up for an hour after the fix.
 */
async function afterNewLogin(deps: CollectorDeps, previous: VehicleRecord | null, memory: PollingMemory): Promise<PollingMemory> {
  const needed = previous?.problem?.code === 'missing_scope' ? previous.problem.scopes : undefined;
  if (!needed?.length || memory.backoffUntil === null || !deps.grantedScopes) return memory;
  const granted = await deps.grantedScopes().catch(() => null);
  return granted && needed.every((scope) => granted.includes(scope)) ? { ...memory, backoffUntil: null } : memory;
}

/** History from the stored snapshot (and state changes), never failing the reading (see deriveKeepingReadings). */
function recordHistorySafely(deps: CollectorDeps, vin: string, record: (history: HistoryStore) => Promise<unknown>): Promise<void> {
  return deriveKeepingReadings(deps.log, 'collector', vin, () => record(deps.history!));
}

/** The last list that saw the car in its earlier state: the pass before, or when its record was last written. */
function sinceOf(previous: VehicleRecord | null, deps: Pick<CollectorDeps, 'lastListedAt'>): { since?: number } {
  if (previous === null) return {};
  return { since: Math.max(previous.lastSeenAt, deps.lastListedAt ?? -Infinity) };
}

/** True when the record says something new, or its lastSeenAt is getting stale. */
function changed(previous: VehicleRecord | null, next: VehicleRecord): boolean {
  if (previous === null) return true;
  if (next.lastSeenAt - previous.lastSeenAt >= SEEN_REFRESH_MS) return true;
  return JSON.stringify({ ...previous, lastSeenAt: 0 }) !== JSON.stringify({ ...next, lastSeenAt: 0 });
}

function classifyFailure(error: unknown): PollFailure {
  if (error instanceof VehicleUnavailableError) return { kind: 'unavailable' };
  if (error instanceof RateLimitedError) return { kind: 'rate_limited', retryAfterMs: error.retryAfterSeconds * 1000 };
  // A 200 we could not read says nothing about the car: wait as after an unexpected failure, not as after a refusal.
  if (error instanceof UnreadableAnswerError) return { kind: 'unexpected' };
  if (error instanceof FleetApiError && (error.status === 0 || error.status >= 500)) return { kind: 'server_error' };
  if (error instanceof FleetApiError) return { kind: 'refused' };
  return { kind: 'unexpected' };
}

/** The answer without any position, for owners who did not turn location on. */
function withoutLocation(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const { drive_state: drive, ...rest } = data as Record<string, unknown>;
  if (typeof drive !== 'object' || drive === null) return data;
  const kept = Object.fromEntries(Object.entries(drive).filter(([key]) => !/latitude|longitude|heading|active_route/.test(key)));
  return { ...rest, drive_state: kept };
}

/** A failure the owner must act on, kept on the car's record (and shown by /vehicles) until a read succeeds. */
function problemOf(error: unknown, previous: VehicleProblem | null, now: number): VehicleProblem | null {
  let problem: Omit<VehicleProblem, 'since'> | null = null;
  if (error instanceof MissingScopeError)
    problem = { code: 'missing_scope', message: `${error.message}: add it to the app at developer.tesla.com and sign in again`, scopes: error.scopes };
  else if (error instanceof UnreadableAnswerError) problem = { code: 'unreadable_answer', message: error.message };
  else if (
    error instanceof FleetApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    !(error instanceof VehicleUnavailableError) &&
    !(error instanceof RateLimitedError)
  ) {
    problem = { code: 'refused', message: error.message.slice(0, 300) };
  }
  if (problem === null) return null;
  return { ...problem, since: previous?.code === problem.code ? previous.since : now };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
