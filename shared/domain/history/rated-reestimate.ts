import type { Drive } from './history-records';
import { consumptionOf, round } from './history-state';

/**
 * A drive estimated at the assumed pack's size (`rated_range_pack`: before any charging session had shown the car's
 * rated consumption), estimated again from the same rated miles at the consumption its sessions show now, as
 * established loggers price every drive at the consumption the car's charging shows. The assumed pack is a round
 * figure per model: 95 kWh for a 2016 Model S whose sessions show 85 kWh puts such drives 20–30 % high. Any other
 * drive, or one that did not keep the rated miles it counted, is returned as it is.
 */
export function atRatedConsumption(drive: Drive, ratedWhPerMi: number | null): Drive {
  if (ratedWhPerMi === null || drive.energyEstimate !== 'rated_range_pack' || drive.ratedRangeUsedMi === undefined) return drive;
  const used = (drive.ratedRangeUsedMi * ratedWhPerMi) / 1000;
  return {
    ...drive,
    estimatedEnergyKwh: round(used, 2),
    energyEstimate: 'rated_range_charging',
    ...consumptionOf(used, drive.distanceMi),
  };
}

/** The drives that atRatedConsumption changes, changed. */
export function reestimated(drives: readonly Drive[], ratedWhPerMi: number | null): Drive[] {
  return drives.flatMap((d) => {
    const again = atRatedConsumption(d, ratedWhPerMi);
    return again === d ? [] : [again];
  });
}
