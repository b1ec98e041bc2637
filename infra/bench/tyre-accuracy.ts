import type { Snapshot } from '../../shared/domain/snapshot';
import { LOW_SHARE, NEW_TYRE_WATCH, tyreReadingOf, watchTyres, type TyreAlert } from '../../shared/domain/tyres/tyre-watch';
import type { DriveProfile } from '../simulator/drive-profile';
import { SIM_TYRE_BAR } from '../simulator/sim-vehicle-data';

const DAY_MS = 86_400_000;

/**
 * The profile's slow puncture against what the collector's notices would say of the stored readings (the same pure
 * detector): when the tyre was truly low (its cold pressure under the limit), the reading that said so, and how many
 * readings that could have said so came between. Null when the profile has no puncture.
 */
export function tyreAccuracy(profile: DriveProfile, snapshots: readonly Snapshot[], start: number): string | null {
  const puncture = profile.slowPuncture;
  if (!puncture) return null;
  const lowAt = start + (puncture.fromDay + (SIM_TYRE_BAR * (1 - LOW_SHARE)) / puncture.barPerDay) * DAY_MS;
  let watch = NEW_TYRE_WATCH;
  const alerts: Array<TyreAlert & { at: number }> = [];
  for (const s of [...snapshots].sort((a, b) => a.takenAt - b.takenAt)) {
    const reading = tyreReadingOf(s);
    if (reading === null) continue;
    const step = watchTyres(watch, reading);
    watch = step.watch;
    alerts.push(...step.alerts.map((a) => ({ ...a, at: s.takenAt })));
  }
  const low = alerts.find((a) => a.kind === 'tyre_low' && a.wheel === puncture.wheel);
  const dropping = alerts.find((a) => a.kind === 'tyre_pressure_dropping' && a.wheel === puncture.wheel);
  const others = alerts.filter((a) => a.wheel !== puncture.wheel).length;
  const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16);
  if (!low) return `${puncture.wheel} low from ${iso(lowAt)} (truth); never told${dropping ? `, 'losing air' told ${iso(dropping.at)}` : ''}`;
  // Readings that showed it under the limit before the one that told it (a warm tyre reads higher: a reading taken
  // while driving may not show it yet, and is not counted).
  const limit = SIM_TYRE_BAR * LOW_SHARE;
  const between = snapshots.filter((s) => s.takenAt < low.at && (s.detail?.tyrePressureBar[puncture.wheel] ?? Infinity) < limit).length;
  const early = dropping ? `; 'losing air' told ${((low.at - dropping.at) / DAY_MS).toFixed(1)} days before` : '';
  return `${puncture.wheel} low from ${iso(lowAt)} (truth); told at ${iso(low.at)}, ${Math.round((low.at - lowAt) / 60_000)} min later, ${between} readings between (target 0)${early}; ${others} alerts of other wheels (target 0)`;
}
