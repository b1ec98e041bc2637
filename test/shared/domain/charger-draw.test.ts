import { describe, expect, it } from '@jest/globals';
import { chargerDrawKw } from '../../../shared/domain/history/charger-draw';

const ac = (volts: number, amps: number, phases: number | null, power: number) => ({
  chargerVoltageV: volts,
  chargerActualCurrentA: amps,
  chargerPhases: phases,
  chargerPowerKw: power,
  fastChargerPresent: false,
});

describe('what the car draws from the charger', () => {
  it('on AC is volts × amps × phases, finer than the whole kW the car reports', () => {
    expect(chargerDrawKw(ac(240, 16, 1, 4))).toBeCloseTo(3.84, 6);
    expect(chargerDrawKw(ac(120, 12, 1, 1))).toBeCloseTo(1.44, 6);
    expect(chargerDrawKw(ac(230, 16, 3, 11))).toBeCloseTo(11.04, 6);
  });

  it('takes the phases the power bears out when the car misreports them', () => {
    // Two phases reported on a three-phase supply (11 kW at 230 V, 16 A).
    expect(chargerDrawKw(ac(230, 16, 2, 11))).toBeCloseTo(11.04, 6);
    // Three phases with the line-to-line voltage: √3 × 400 V × 16 A.
    expect(chargerDrawKw(ac(400, 16, 3, 11))).toBeCloseTo((Math.sqrt(3) * 400 * 16) / 1000, 6);
    // Below 4 kW the whole kW is too coarse to overrule the car.
    expect(chargerDrawKw(ac(240, 12, 1, 3))).toBeCloseTo(2.88, 6);
  });

  it('on DC is the charger power; without voltage and current, the charger power; nothing when it says nothing', () => {
    expect(chargerDrawKw({ ...ac(390, 300, null, 117), fastChargerPresent: true })).toBe(117);
    expect(chargerDrawKw({ ...ac(0, 0, null, 7) })).toBe(7);
    expect(chargerDrawKw({ ...ac(0, 0, null, 0) })).toBeNull();
    expect(chargerDrawKw(undefined)).toBeNull();
  });
});
