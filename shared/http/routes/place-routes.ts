import type { Place, PlaceStore } from '../../domain/places/place';
import { ApiError, badRequest, notFound } from '../api-error';
import type { ApiDeps } from '../api-deps';
import { jsonObjectBody, validate } from '../request-input';
import { json } from '../responses';
import type { Route } from '../router';
import { PLACE_ID, placeSchema } from './place-schema';

/**
 * `/places`: named places (a centre and a radius) with what charging there costs. A session at a place with a
 * tariff is priced by it; drives show the places they started and ended at (when location is recorded).
 */
export function placeRoutes(deps: ApiDeps): Route[] {
  return [
    { method: 'GET', path: '/places', handle: async () => json(200, { places: (await placesOf(deps).listPlaces()).map(placeView) }) },
    // The dashboard's map: the owner's tile template (MAP_TILE_URL), behind the token as it may hold a provider's key.
    { method: 'GET', path: '/map-settings', handle: () => Promise.resolve(json(200, { tileUrl: deps.mapTileUrl ?? null })) },
    { method: 'GET', path: '/places/{id}', handle: async ({ params }) => json(200, { place: placeView(await requirePlace(deps, params.id)) }) },
    {
      method: 'PUT',
      path: '/places/{id}',
      handle: async ({ params, event }) => {
        const id = placeId(params.id);
        const input = validate(placeSchema(), jsonObjectBody(event), 'invalid_place');
        const place: Place = { id, ...input, updatedAt: deps.clock.now() };
        await placesOf(deps).putPlace(place);
        return json(200, { place: placeView(place) });
      },
    },
    {
      method: 'DELETE',
      path: '/places/{id}',
      handle: async ({ params }) => {
        const id = placeId(params.id);
        if (!(await placesOf(deps).deletePlace(id))) throw notFound(`no place ${id}`);
        return json(200, { id, deleted: true });
      },
    },
  ];
}

export function placesOf(deps: ApiDeps): PlaceStore {
  if (!deps.places) throw new ApiError(501, 'places_unavailable', 'places are not set up in this deployment');
  return deps.places;
}

function placeId(id: string | undefined): string {
  if (id === undefined || !PLACE_ID.test(id)) throw badRequest('invalid_place_id', 'a place id is 1–40 lowercase letters, digits and dashes, like home');
  return id;
}

async function requirePlace(deps: ApiDeps, id: string | undefined): Promise<Place> {
  const place = await placesOf(deps).getPlace(placeId(id));
  if (place === null) throw notFound(`no place ${id}`);
  return place;
}

function placeView(p: Place) {
  return { ...p, updatedAt: new Date(p.updatedAt).toISOString() };
}
