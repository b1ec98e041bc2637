import type { Tariff } from './tariff';

/** A named place: a centre and a radius (home, work, a charger you use), and what charging there costs, if known. */
export interface Place {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  radiusM: number;
  /** Home, work or anywhere else: the month's cost of driving tells home charging from public. */
  kind: 'home' | 'work' | 'public';
  tariff: Tariff | null;
  updatedAt: number;
}

export interface PlaceStore {
  listPlaces(): Promise<Place[]>;
  getPlace(id: string): Promise<Place | null>;
  putPlace(place: Place): Promise<void>;
  deletePlace(id: string): Promise<boolean>;
  /** The place the owner chose for a charging session by hand (a car without location), by session id. */
  chargePlaces(vin: string): Promise<Map<string, string>>;
  putChargePlace(vin: string, chargeId: string, placeId: string | null): Promise<void>;
}

const EARTH_RADIUS_M = 6_371_000;

/** Metres between two points (haversine). */
export function distanceM(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The place a point lies in: the nearest whose radius holds it, or null. */
export function placeAt(places: readonly Place[], point: { latitude: number; longitude: number } | null): Place | null {
  if (point === null) return null;
  let best: { place: Place; d: number } | null = null;
  for (const place of places) {
    const d = distanceM(place, point);
    if (d <= place.radiusM && (best === null || d < best.d)) best = { place, d };
  }
  return best?.place ?? null;
}
