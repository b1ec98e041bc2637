import { streamingEstimate } from './streaming-estimate';
import { tyreAccuracy } from './tyre-accuracy';
import { batteryAccuracy } from './battery-accuracy';
import { ratedWhPerMiOf } from '../../shared/domain/history/history-state';
import { costUsd } from '../../shared/domain/billing';
import { activityOf, type CarActivity, type Snapshot } from '../../shared/domain/snapshot';
import type { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import type { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { updatesInstalled, type DriveProfile } from '../simulator/drive-profile';
import type { FleetSimulator } from '../simulator/fleet-simulator';
import { driveAccuracy } from './drive-accuracy';
import { benchMinute, historyAccuracy } from './history-accuracy';
import { idleAccuracy, type CarTimeline } from './idle-accuracy';
import { superchargerAccuracy } from './supercharger-accuracy';
import { BENCH_TARIFFS, tariffAccuracy } from './tariff-accuracy';
import type { SuperchargerBillingStore } from '../../shared/domain/supercharger/billing-store';
import type { ChargingSession, Drive } from '../../shared/domain/history/history-records';

interface CarReportContext {
  sim: FleetSimulator;
  stores: DynamoDbStores;
  history: DynamoDbHistoryStore;
  billing: SuperchargerBillingStore;
  start: number;
  end: number;
  days: number;
  awakeMinutes: ReadonlyMap<string, { polled: number; shadow: number }>;
  /** Passes in which the budget's pace stretched this car's reads (null: never). */
  slowed: { passes: number; largest: number } | null;
  timelines: ReadonlyMap<string, CarTimeline>;
  carProfile: DriveProfile;
}

/**
 * One car's part of `npm run bench:month`'s report: what it cost, what the collector saw of its drives and
 * parkings, and how the derived history compares with what the simulated car really did.
 */
export async function reportCar(vin: string, ctx: CarReportContext): Promise<{ snapshots: Snapshot[]; streamedSignals: number }> {
  const { sim, stores, start, end, days, awakeMinutes } = ctx;
  const car = sim.car(vin);
  const billed = sim.billing.byVehicle.get(vin) ?? { data: 0, command: 0, wake: 0, free: 0, history: 0 };
  const snapshots: Snapshot[] = [];
  let cursor: string | null = null;
  do {
    const page = await stores.snapshotsBetween(vin, { fromMs: start, toMs: end, limit: 1000, cursor });
    snapshots.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  const accuracy = driveAccuracy(car.truth.trips, snapshots, { at: start, odometerMi: 20_000 }, end);
  const billable = billed.data + billed.command + billed.wake;
  console.log(`${vin} (${car.displayName})`);
  console.log(
    `  billable requests      ${billable}  (data ${billed.data}, command ${billed.command}, wake ${billed.wake}); free ${billed.free} + account list ${sim.billing.total.free - [...sim.billing.byVehicle.values()].reduce((s, c) => s + c.free, 0)}`,
  );
  console.log(`  estimated Tesla cost   $${costUsd(billed).toFixed(2)}  (target ≤ 1,000 billable, ≤ $2)`);
  console.log(`  wakes by collector     ${billed.wake}  (target 0)`);
  console.log(
    ctx.slowed === null
      ? '  budget pace            never slowed: this car’s share of the budget was enough'
      : `  budget pace            slowed in ${ctx.slowed.passes} passes (reads up to ${ctx.slowed.largest.toFixed(1)}× further apart): its share of the account's budget ran short, so readings thin out by design`,
  );
  console.log(`  drives recorded        ${accuracy.drivesRecorded} / ${accuracy.drivesDriven} driven`);
  console.log(
    `  parkings observed      ${accuracy.parkingsObserved} / ${accuracy.parkings}${accuracy.longestMissedMinutes > 0 ? `; the longest missed lasted ${accuracy.longestMissedMinutes} min` : ''}`,
  );
  console.log(
    `  largest odometer error ${accuracy.largestObservedErrorMi.toFixed(3)} mi at an observed parking (target ≤ 0.1)${accuracy.parkingsObserved < accuracy.parkings ? `; ${accuracy.largestMissedErrorMi.toFixed(1)} mi at a missed one` : ''}`,
  );
  const awake = awakeMinutes.get(vin)!;
  console.log(
    `  kept awake by polling  ${Math.max(0, awake.polled - awake.shadow)} min over ${days} days (awake ${awake.polled} min; the same car never polled: ${awake.shadow} min)`,
  );
  console.log(`  lower bound            ${accuracy.parkings} data reads (one per parking); ${(billable / Math.max(1, accuracy.parkings)).toFixed(1)}× that`);
  const streamed = streamingEstimate(car.truth.trips, car.truth.chargeSessions, awake.shadow, end);
  console.log(
    `  streaming (estimate)   ${streamed.signals.toLocaleString('en-US')} signals, $${streamed.costUsd.toFixed(2)} (Tesla), for the default signal set over the car's true driving, charging and unpolled awake time (docs/streaming.md; estimated change rates; the receiver's AWS cost is below)`,
  );
  await reportHistory(vin, ctx, billable + billed.history, billed.history, snapshots);
  printSnapshots(snapshots);
  // With BENCH_DEBUG, the car's first readings (BENCH_DEBUG_READS of them, default 60): when the collector read it.
  if (process.env.BENCH_DEBUG)
    for (const s of snapshots.slice(0, Number(process.env.BENCH_DEBUG_READS ?? 60)))
      console.log(`    read ${benchMinute(s.takenAt)} ${s.shiftState ?? '-'} ${s.speedMph ?? '-'} mph odo ${s.odometerMi} ${s.chargingState ?? ''}`);
  return { snapshots, streamedSignals: streamed.signals };
}

/** What the derived history says against what the simulated car did: drives, charges, idles, bills, updates. */
async function reportHistory(vin: string, ctx: CarReportContext, requests: number, historyReads: number, snapshots: readonly Snapshot[]): Promise<void> {
  const { sim, history, start, end, timelines } = ctx;
  const car = sim.car(vin);
  const range = { fromMs: start, toMs: end, limit: 10_000 };
  const drives = (await history.listDrives(vin, range)).items;
  const charges = (await history.listCharges(vin, range)).items;
  const derived = historyAccuracy(car.truth.trips, car.truth.chargeSessions, drives, charges, end);
  printDrives(derived);
  console.log(
    `  charging sessions      ${derived.sessionsDerived} derived, ${derived.sessionsMatched} matched of ${derived.sessionsCharged} charged (${derived.sessionsDc} DC); kWh error ${(derived.largestKwhErrorShare * 100).toFixed(1)} % largest (target ≤ 2 %)`,
  );
  const { drawn } = derived;
  console.log(
    `  charging losses        ${drawn.sessions} of ${derived.sessionsMatched} sessions with the energy drawn from the charger; its error ${(drawn.largestErrorShare * 100).toFixed(1)} % largest; losses ${drawn.lossPercent.derived.toFixed(1)} % derived, ${drawn.lossPercent.truth.toFixed(1)} % true`,
  );
  const idle = idleAccuracy((await history.listIdles(vin, range)).items, timelines.get(vin)!);
  console.log(
    `  idle periods           ${idle.periods}; drain ${idle.drainPercentPerDay.derived.toFixed(2)} %/day derived, ${idle.drainPercentPerDay.truth.toFixed(2)} true; largest error ${idle.largestRangeErrorMi.toFixed(2)} mi of range (${idle.largestLostErrorPoints.toFixed(1)} points in the car's whole %)`,
  );
  const worst = idle.worstAsleepShare;
  console.log(
    `  asleep share           largest error ${(idle.largestAsleepShareError * 100).toFixed(1)} points, from the listed state${worst && idle.largestAsleepShareError >= 0.02 ? ` (${new Date(worst.startAt).toISOString().slice(0, 16)} to ${new Date(worst.endAt).toISOString().slice(11, 16)}: ${(worst.derived * 100).toFixed(1)} % derived, ${(worst.truth * 100).toFixed(1)} % true)` : ''}`,
  );
  const sc = superchargerAccuracy(car.truth.chargeSessions, charges, await ctx.billing.teslaChargesBetween(vin, start - 86_400_000, end), end);
  const share = requests > 0 ? (historyReads / requests) * 100 : 0;
  console.log(
    `  Supercharger bills     ${sc.billed} of ${sc.dcSessions} DC sessions shown with Tesla's bill; largest cost error $${sc.largestErrorAmount.toFixed(2)} (${(sc.largestErrorShare * 100).toFixed(1)} %; target ≤ 1 % or 1 cent); charging-history reads ${historyReads} (${share.toFixed(1)} % of billable requests; target ≤ 2 %)`,
  );
  for (const [name, tariff] of Object.entries(BENCH_TARIFFS)) {
    const t = tariffAccuracy(car.truth.chargeSessions, charges, snapshots, end, tariff);
    console.log(
      `  tariff cost (${name.padEnd(17)}) ${t.sessions} AC sessions priced from the readings; largest error $${t.largestErrorAmount.toFixed(2)} (${(t.largestErrorShare * 100).toFixed(1)} %; target ≤ 1 % or 1 cent)`,
    );
  }
  await reportCarHealth(vin, ctx, { drives, charges }, snapshots);
}

/** The derived drives against the trips: counts, the flag's precision and recall, distance, times and energy. */
function printDrives(derived: ReturnType<typeof historyAccuracy>): void {
  console.log(
    `  drives derived         ${derived.drivesDerived} for ${derived.drivesDriven} driven: ${derived.drivesMatched} one to one, ${derived.tripsMerged} trips merged by stops no reading saw, into ${derived.mergedDrives} drives by stops of 3 min or more (${derived.mergedDrivesFlagged} of them flagged "may hide stops") and ${derived.mergedByShortStops} by shorter ones; ${derived.drivesFlagged} flagged in all (false: ${derived.falseFlags.unseen} seen moving by no reading, ${derived.falseFlags.seen} others)`,
  );
  const percentOf = (n: number, of: number): string => (of === 0 ? '—' : `${Math.round((n / of) * 100)} %`);
  console.log(
    `  "may hide stops"       precision ${percentOf(derived.drivesFlagged - derived.falseFlags.unseen - derived.falseFlags.seen, derived.drivesFlagged)} (flags on drives that merged trips), recall ${percentOf(derived.mergedDrivesFlagged, derived.mergedDrives)} (drives merged by stops of 3 min or more, flagged); target ≥ 90 % each`,
  );
  console.log(`  drive distance error   ${derived.largestDistanceErrorMi.toFixed(3)} mi largest, one-to-one drives (target ≤ 0.1)`);
  console.log(
    `  drive times (logbook)  start off by ${derived.startErrorMinutes.median.toFixed(0)} min (median), ${derived.startErrorMinutes.largest.toFixed(0)} at most; end off by ${derived.endErrorMinutes.median.toFixed(0)} min (median), ${derived.endErrorMinutes.largest.toFixed(0)} at most; bounds missed the truth for ${derived.boundsMissed} of ${derived.drivesMatched}`,
  );
  console.log(
    `  drive energy           ${(derived.energyErrorShare.median * 100).toFixed(1)} % off (median), ${(derived.energyErrorShare.largest * 100).toFixed(1)} % at most, one-to-one drives of a mile or more; ${derived.drivesWithoutEnergy} without an estimate (target ≤ 5 %)`,
  );
}

/** What the history says of the car itself against the simulated one: updates, battery health, tyres. */
async function reportCarHealth(
  vin: string,
  ctx: CarReportContext,
  { drives, charges }: { drives: readonly Drive[]; charges: readonly ChargingSession[] },
  snapshots: readonly Snapshot[],
): Promise<void> {
  const { sim, history, start, end, carProfile } = ctx;
  const versions = await history.listVersions(vin);
  console.log(`  software updates       ${versions.length - 1} new versions seen of ${updatesInstalled(carProfile, start, end)} installed`);
  const state = await history.getHistoryState(vin);
  console.log(`  battery health         ${batteryAccuracy(drives, charges, state === null ? null : ratedWhPerMiOf(state), sim.car(vin).pack)}`);
  const tyres = tyreAccuracy(carProfile, snapshots, start);
  if (tyres !== null) console.log(`  tyres                  ${tyres}`);
}

function printSnapshots(snapshots: readonly Snapshot[]): void {
  const doing: Record<CarActivity, number> = { driving: 0, charging: 0, held_awake: 0, idle: 0 };
  for (const snapshot of snapshots) doing[activityOf(snapshot)] += 1;
  console.log(
    `  snapshots stored       ${snapshots.length}: the car was driving in ${doing.driving}, charging in ${doing.charging}, parked and held awake in ${doing.held_awake}, parked and idle in ${doing.idle}\n`,
  );
}
