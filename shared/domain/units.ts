export type DistanceUnit = 'mi' | 'km';

export const KM_PER_MILE = 1.609344;

export function convertMiles(miles: number, unit: DistanceUnit): number {
  return unit === 'km' ? miles * KM_PER_MILE : miles;
}

/** Rounds to 0.001 of the unit: the API's figures are for people and charts, not for re-integration. */
export function roundDistance(value: number): number {
  return Math.round(value * 1000) / 1000;
}
