import type { Place, PlaceStore } from '../../shared/domain/places/place';

export class MemoryPlaceStore implements PlaceStore {
  readonly places = new Map<string, Place>();
  readonly chosen = new Map<string, string>();

  listPlaces(): Promise<Place[]> {
    return Promise.resolve([...this.places.values()].map((p) => structuredClone(p)));
  }
  getPlace(id: string): Promise<Place | null> {
    return Promise.resolve(this.places.has(id) ? structuredClone(this.places.get(id)!) : null);
  }
  putPlace(place: Place): Promise<void> {
    this.places.set(place.id, structuredClone(place));
    return Promise.resolve();
  }
  deletePlace(id: string): Promise<boolean> {
    return Promise.resolve(this.places.delete(id));
  }
  chargePlaces(vin: string): Promise<Map<string, string>> {
    const prefix = `${vin}#`;
    return Promise.resolve(new Map([...this.chosen].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v])));
  }
  putChargePlace(vin: string, chargeId: string, placeId: string | null): Promise<void> {
    if (placeId === null) this.chosen.delete(`${vin}#${chargeId}`);
    else this.chosen.set(`${vin}#${chargeId}`, placeId);
    return Promise.resolve();
  }
}
