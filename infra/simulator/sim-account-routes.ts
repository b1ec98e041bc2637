import type { SimCar } from './sim-car';
import { SIM_FIRMWARE } from './sim-vehicle-data';
import { errorPage, isDomain, keyUrl, pairedPage, pairingPage, publicKeyFromPem } from './sim-pages';

/** How long the pairing page waits for the app's domain to serve its public key. */
const KEY_FETCH_TIMEOUT_MS = 5_000;
import { envelopeError, type Reply } from './sim-oauth-routes';
import type { SimSignedEndpoint } from './sim-signed';

/** Tesla's shape: paired and unpaired VINs (`paired`: the app's key is), and per car whether it needs signed commands. */
export function fleetStatusReply(
  fleet: ReadonlyMap<string, SimCar>,
  signed: ReadonlyMap<string, SimSignedEndpoint>,
  paired: (vin: string) => boolean,
  raw: string,
): Reply {
  let vins: unknown;
  try {
    vins = (JSON.parse(raw) as { vins?: unknown }).vins;
  } catch {
    vins = undefined;
  }
  if (!Array.isArray(vins) || vins.length === 0 || !vins.every((v) => typeof v === 'string')) {
    return { status: 400, body: envelopeError('vins must be a non-empty list of VINs'), category: 'data' };
  }
  const cars = vins.map((vin) => fleet.get(vin)).filter((car): car is SimCar => car !== undefined && car.inFleetStatus);
  const response = {
    key_paired_vins: cars.filter((car) => paired(car.vin)).map((car) => car.vin),
    unpaired_vins: cars.filter((car) => !paired(car.vin)).map((car) => car.vin),
    vehicle_info: Object.fromEntries(
      cars.map((car) => [
        car.vin,
        {
          firmware_version: SIM_FIRMWARE,
          vehicle_command_protocol_required: car.requiresSigning,
          discounted_device_data: false,
          fleet_telemetry_version: '1.1.0',
          total_number_of_keys: signed.get(car.vin)!.pairedKeys + 2,
        },
      ]),
    ),
  };
  return { status: 200, body: { response }, category: 'data', vin: cars.length === 1 ? cars[0]!.vin : undefined };
}

/** A car as `GET /api/1/vehicles` lists it. */
export function vehicleSummary(car: SimCar): Record<string, unknown> {
  return {
    id: car.id,
    vehicle_id: car.id % 1_000_000,
    vin: car.vin,
    display_name: car.displayName,
    color: null,
    access_type: 'OWNER',
    option_codes: null,
    granular_access: { hide_private: false },
    tokens: [],
    state: car.state(),
    in_service: false,
    id_s: String(car.id),
    calendar_enabled: true,
    api_version: 73,
    backseat_token: null,
    backseat_token_updated_at: null,
    ble_autopair_enrolled: false,
  };
}

/**
 * `tesla.com/_ak/<domain>`: the owner adds an app's key to cars. The page fetches the key the domain publishes,
 * as Tesla does, so what is paired is what the app serves.
 */
export async function pairingReply(
  fleet: ReadonlyMap<string, SimCar>,
  pairKey: (key: Buffer, vins: string[]) => void,
  method: string,
  url: URL,
  raw: string,
): Promise<Reply> {
  const domain = decodeURIComponent(url.pathname.slice('/_ak/'.length)).replace(/\/+$/, '');
  if (!isDomain(domain)) return { status: 400, body: errorPage(`'${domain.slice(0, 100)}' is not a domain (host or host:port)`), html: true };
  const cars = [...fleet.values()].map((car) => ({ vin: car.vin, displayName: car.displayName }));
  if (method === 'GET') return { status: 200, body: pairingPage(domain, cars), html: true };
  if (method !== 'POST') return { status: 405, body: envelopeError('method not allowed') };
  const vins = new URLSearchParams(raw).getAll('vin').filter((vin) => fleet.has(vin));
  if (vins.length === 0) return { status: 400, body: errorPage('tick at least one car'), html: true };
  let key: Buffer;
  try {
    const res = await fetch(keyUrl(domain), { signal: AbortSignal.timeout(KEY_FETCH_TIMEOUT_MS), redirect: 'error' });
    if (!res.ok) throw new Error(`${keyUrl(domain)} answered ${res.status}; run \`npm run keys\` first`);
    key = publicKeyFromPem(await res.text());
  } catch (error) {
    return { status: 502, body: errorPage(`could not get the app's public key: ${error instanceof Error ? error.message : 'no answer'}`), html: true };
  }
  pairKey(key, vins);
  return {
    status: 200,
    body: pairedPage(
      domain,
      vins.map((vin) => fleet.get(vin)!.displayName),
    ),
    html: true,
  };
}

/** `GET /sim/cars`: each car's state, activity, odometer, battery and locks now. */
export function carsReport(fleet: ReadonlyMap<string, SimCar>, now: number): unknown {
  return {
    now: new Date(now).toISOString(),
    cars: [...fleet.values()].map((car) => {
      car.advanceTo(now);
      return {
        vin: car.vin,
        state: car.state(),
        activity: car.currentActivity,
        odometerMi: car.odometerMi,
        batteryLevel: car.batteryLevel,
        locked: car.locked,
      };
    }),
  };
}
