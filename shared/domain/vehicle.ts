/** What the Fleet API says about a car's connectivity; `unknown` covers values we have never seen. */
export type VehicleOnlineState = 'online' | 'asleep' | 'offline' | 'unknown';

export interface VehicleSummary {
  vin: string;
  displayName: string | null;
  state: VehicleOnlineState;
}

/** 17 characters, digits and capitals without I, O and Q (ISO 3779). */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

export function isVin(value: string): boolean {
  return VIN_PATTERN.test(value);
}

export function parseOnlineState(value: unknown): VehicleOnlineState {
  return value === 'online' || value === 'asleep' || value === 'offline' ? value : 'unknown';
}
