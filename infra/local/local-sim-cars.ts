import { HOUR_MS } from '../../shared/domain/clock';
import { DEFAULT_SIM_VIN, SIGNED_SIM_VIN, type FleetSimulatorOptions } from '../simulator/fleet-simulator';

/**
 * The cars `npm start` simulates: an older Model 3 that takes REST commands, and a Model Y that takes only signed
 * ones. Both follow the demo profile from the top of the clock hour (they drive minutes 0–12 of every hour).
 */
export function localSimCars(now: number): NonNullable<FleetSimulatorOptions['cars']> {
  const anchor = Math.floor(now / HOUR_MS) * HOUR_MS;
  return [
    { vin: DEFAULT_SIM_VIN, id: 1492932263280001, displayName: 'Sim Model 3', anchor },
    { vin: SIGNED_SIM_VIN, id: 1492932263280002, displayName: 'Sim Model Y', requiresSigning: true, anchor },
  ];
}
