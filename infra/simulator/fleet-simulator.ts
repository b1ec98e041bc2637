import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BillingCategory } from '../../shared/domain/fleet-api';
import type { FleetRegion } from '../../shared/domain/fleet-regions';
import { DEMO_PROFILE } from './drive-profile';
import { SIM_FIRMWARE, SimCar, UnknownCommandError, type SimCarOptions } from './sim-car';
import { SimClock } from './sim-clock';
import { SimSignedEndpoint } from './sim-signed';
import { SimBilling, SimRateLimiter } from './sim-metering';
import { SimOAuth, type IssuedTokens } from './sim-oauth';
import { consentPage, errorPage, isDomain, keyUrl, pairedPage, pairingPage, publicKeyFromPem } from './sim-pages';

export interface FleetSimulatorOptions {
  clock?: SimClock;
  /** The region the simulated account lives in; requests to another region's listener get 421. */
  accountRegion?: FleetRegion;
  /** Regions to listen for (one port each); always includes the account's. */
  regions?: FleetRegion[];
  clientId?: string;
  accessTokenTtlSeconds?: number;
  /** Told whenever the owner pairs a key (the local host keeps pairings across restarts, as a car does). */
  onPair?: (publicKey: Buffer, vins: string[]) => void;
  /** Omit `anchor` to start each car's profile at the simulator's start. */
  cars?: Array<Omit<SimCarOptions, 'profile'> & { profile?: SimCarOptions['profile'] }>;
}

export const SIM_CLIENT_ID = 'sim-client-id';
export const DEFAULT_SIM_VIN = '5YJ3E7EB0SF000001';
/** The local host's second car, which takes only signed commands, as current cars do. */
export const SIGNED_SIM_VIN = '7SAYGDEE5PF000002';

const ALL_ENDPOINTS = ['charge_state', 'climate_state', 'drive_state', 'gui_settings', 'vehicle_config', 'vehicle_state'];
const KNOWN_ENDPOINTS = new Set([...ALL_ENDPOINTS, 'closures_state', 'location_data', 'charge_schedule_data', 'preconditioning_schedule_data']);
const ASLEEP_BODY = { response: null, error: 'vehicle unavailable: {:error=>"vehicle unavailable:"}', error_description: '' };
const SIGNING_REQUIRED_BODY = {
  response: null,
  error:
    'Tesla Vehicle Command Protocol required, please refer to the documentation here: https://developer.tesla.com/docs/fleet-api#2023-10-09-rest-api-vehicle-commands-endpoint-deprecation-warning',
  error_description: '',
};

const CHARGING_COMMANDS = new Set([
  'charge_start',
  'charge_stop',
  'charge_max_range',
  'charge_standard',
  'set_charge_limit',
  'set_charging_amps',
  'charge_port_door_open',
  'charge_port_door_close',
]);
/** How long the pairing page waits for the app's domain to serve its public key. */
const KEY_FETCH_TIMEOUT_MS = 5_000;

interface Reply {
  status: number;
  body: unknown;
  /** `body` is an HTML page. */
  html?: boolean;
  headers?: Record<string, string>;
  category?: BillingCategory;
  vin?: string | null;
}

/**
 * A Fleet API + OAuth server in-process, faithful to the reference where it matters to this project: sleep and
 * wake timing, 408 when asleep, single-use rotating refresh tokens, 401/421/429, and billing counts.
 * Also serves `GET /sim/usage` (billing counters) and `GET /sim/cars` for people and tests.
 */
export class FleetSimulator {
  readonly clock: SimClock;
  readonly oauth: SimOAuth;
  readonly billing = new SimBilling();
  readonly cars = new Map<string, SimCar>();
  /** Each car's Vehicle Command Protocol endpoint. */
  readonly signed = new Map<string, SimSignedEndpoint>();
  readonly accountRegion: FleetRegion;
  /** The public key registered for the app (set when the owner pairs it). */
  private appKey: Buffer | null = null;
  private readonly limiter: SimRateLimiter;
  private readonly servers = new Map<FleetRegion, { server: Server; url: string }>();
  private readonly faults: Array<{ path: RegExp; status: number; times: number }> = [];
  private readonly onPair: FleetSimulatorOptions['onPair'];

  private constructor(options: FleetSimulatorOptions) {
    this.clock = options.clock ?? new SimClock();
    this.accountRegion = options.accountRegion ?? 'na';
    this.oauth = new SimOAuth(this.clock, options.clientId ?? SIM_CLIENT_ID, options.accessTokenTtlSeconds, this.accountRegion);
    this.limiter = new SimRateLimiter(this.clock);
    this.onPair = options.onPair;
    const now = this.clock.now();
    const cars = options.cars ?? [{ vin: DEFAULT_SIM_VIN, id: 1492932263280001, displayName: 'Sim Model 3' }];
    for (const car of cars) {
      this.cars.set(car.vin, new SimCar({ ...car, profile: car.profile ?? DEMO_PROFILE, anchor: car.anchor ?? now }, now));
      this.signed.set(car.vin, new SimSignedEndpoint(car.vin, now));
    }
  }

  static async start(options: FleetSimulatorOptions = {}): Promise<FleetSimulator> {
    const sim = new FleetSimulator(options);
    const regions = new Set([sim.accountRegion, ...(options.regions ?? [])]);
    for (const region of regions) {
      const server = createServer((req, res) => void sim.serve(region, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      sim.servers.set(region, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
    return sim;
  }

  /** The account's Fleet API base URL (its token endpoint is on the same server). */
  get baseUrl(): string {
    return this.urlFor(this.accountRegion);
  }

  urlFor(region: FleetRegion): string {
    const entry = this.servers.get(region);
    if (!entry) throw new Error(`the simulator does not listen for region ${region}`);
    return entry.url;
  }

  /** The tokens an owner would hold after logging in. */
  login(): IssuedTokens {
    return this.oauth.login();
  }

  /**
   * The owner pairs the app's public key with every car, or with the listed ones (as at
   * https://tesla.com/_ak/<domain>). The key also becomes the app's registered key that `fleet_status` reports on.
   */
  pairKey(publicKey: Buffer, vins?: string[]): void {
    this.appKey = publicKey;
    const paired = [...this.signed.keys()].filter((vin) => !vins || vins.includes(vin));
    for (const vin of paired) this.signed.get(vin)!.pair(publicKey);
    this.onPair?.(publicKey, paired);
  }

  /**
   * The next `times` requests whose path matches `path` get `status` (with Tesla's error envelope) instead of an
   * answer, as when Tesla's servers have a bad minute. Token calls are matched too (`/oauth2/v3/token`).
   */
  failNext(path: RegExp, status: number, times = 1): void {
    this.faults.push({ path, status, times });
  }

  car(vin: string): SimCar {
    const car = this.cars.get(vin);
    if (!car) throw new Error(`no simulated car ${vin}`);
    car.advanceTo(this.clock.now());
    return car;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
    this.servers.clear();
  }

  private async serve(region: FleetRegion, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://sim');
      const fault = this.faults.find((f) => f.times > 0 && f.path.test(url.pathname));
      if (fault) {
        fault.times -= 1;
        reply = { status: fault.status, body: { response: null, error: 'injected fault', error_description: `simulated ${fault.status}` } };
      } else if (url.pathname.startsWith('/_ak/')) {
        reply = await this.pairing(req.method ?? 'GET', url, raw);
      } else {
        reply = this.route(region, req.method ?? 'GET', url, req.headers.authorization, raw);
      }
    } catch {
      reply = { status: 500, body: { response: null, error: 'internal error', error_description: '' } };
    }
    if (reply.category) this.billing.record(reply.category, reply.status, reply.vin ?? null);
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const type = reply.html ? 'text/html; charset=utf-8' : typeof reply.body === 'string' ? 'text/plain' : 'application/json';
    res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
    res.end(text);
  }

  private route(region: FleetRegion, method: string, url: URL, authorization: string | undefined, raw: string): Reply {
    const path = url.pathname;
    if (path === '/oauth2/v3/token' && method === 'POST') return this.token(raw);
    if (path === '/oauth2/v3/authorize' && method === 'GET') return this.consent(url.searchParams);
    if (path === '/oauth2/v3/authorize' && method === 'POST') return this.authorize(new URLSearchParams(raw));
    if (path === '/sim/usage' && method === 'GET') return { status: 200, body: this.billing.toJSON() };
    if (path === '/sim/cars' && method === 'GET') return { status: 200, body: this.carsReport() };
    if (!path.startsWith('/api/1/')) return { status: 404, body: envelopeError('not_found') };

    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
    const problem = this.oauth.checkAccessToken(token);
    // Unauthenticated and wrong-region answers cannot be attributed to an account, so they are not billed here.
    if (problem !== null) return { status: 401, body: envelopeError(problem) };
    const missing = this.missingScope(path, url, new Set(this.oauth.scopesOf(token!)));
    if (missing !== null) return { status: 403, body: envelopeError(`Unauthorized missing scopes: ${missing}`) };
    if (region !== this.accountRegion) {
      return {
        status: 421,
        body: envelopeError(`user out of region, use base URL: ${this.baseUrl}, see https://developer.tesla.com/docs/fleet-api#regional-requirements`),
      };
    }
    return this.vehicles(method, path, url, raw);
  }

  private vehicles(method: string, path: string, url: URL, raw: string): Reply {
    const now = this.clock.now();
    if (path === '/api/1/vehicles' && method === 'GET') {
      const list = [...this.cars.values()].map((car) => {
        car.advanceTo(now);
        return this.summary(car);
      });
      return { status: 200, body: { response: list, count: list.length }, category: 'free' };
    }
    if (path === '/api/1/vehicles/fleet_status' && method === 'POST') return this.fleetStatus(raw);
    const match = /^\/api\/1\/vehicles\/([^/]+)(?:\/(vehicle_data|wake_up|signed_command|command\/([^/]+)))?$/.exec(path);
    const car = match ? this.find(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !car) return { status: 404, body: envelopeError('not_found') };
    car.advanceTo(now);
    const action = match[2];
    const vin = car.vin;

    if (action === undefined && method === 'GET') return { status: 200, body: { response: this.summary(car) }, category: 'free', vin };
    if (action === 'vehicle_data' && method === 'GET') {
      return this.limited(vin, 'data') ?? this.vehicleData(car, url, now);
    }
    if (action === 'wake_up' && method === 'POST') {
      const limited = this.limited(vin, 'wake');
      if (limited) return limited;
      car.wake(now);
      return { status: 200, body: { response: this.summary(car) }, category: 'wake', vin };
    }
    if (action === 'signed_command' && method === 'POST') {
      return this.limited(vin, 'command') ?? this.signedCommand(car, raw, now);
    }
    if (match[3] !== undefined && method === 'POST') {
      return this.limited(vin, 'command') ?? this.command(car, decodeURIComponent(match[3]), raw, now);
    }
    return { status: 405, body: envelopeError('method not allowed') };
  }

  private vehicleData(car: SimCar, url: URL, now: number): Reply {
    const vin = car.vin;
    if (car.state() !== 'online' || car.dropsRequest()) return { status: 408, body: ASLEEP_BODY, category: 'data', vin };
    const requested = url.searchParams.get('endpoints');
    const endpoints =
      requested === null
        ? ALL_ENDPOINTS
        : requested
            .split(';')
            .map((e) => e.trim())
            .filter(Boolean);
    if (endpoints.some((e) => !KNOWN_ENDPOINTS.has(e))) {
      return { status: 400, body: envelopeError('invalid endpoints'), category: 'data', vin };
    }
    car.touch(now);
    return { status: 200, body: { response: car.vehicleData(now, new Set(endpoints)) }, category: 'data', vin };
  }

  private command(car: SimCar, name: string, raw: string, now: number): Reply {
    const vin = car.vin;
    if (car.requiresSigning) return { status: 403, body: SIGNING_REQUIRED_BODY, category: 'command', vin };
    if (car.state() !== 'online') return { status: 408, body: ASLEEP_BODY, category: 'command', vin };
    let body: Record<string, unknown> = {};
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return { status: 400, body: envelopeError('invalid json'), category: 'command', vin };
      }
    }
    try {
      return { status: 200, body: { response: car.command(name, body, now) }, category: 'command', vin };
    } catch (error) {
      if (error instanceof UnknownCommandError) return { status: 400, body: envelopeError('invalid_command'), category: 'command', vin };
      throw error;
    }
  }

  private signedCommand(car: SimCar, raw: string, now: number): Reply {
    const vin = car.vin;
    if (!car.supportsSigning) return { status: 422, body: envelopeError('vehicle does not support signed commands'), category: 'command', vin };
    if (car.state() !== 'online') return { status: 408, body: ASLEEP_BODY, category: 'command', vin };
    let message: Buffer;
    try {
      const body = JSON.parse(raw) as { routable_message?: unknown };
      if (typeof body.routable_message !== 'string') throw new Error('no routable_message');
      message = Buffer.from(body.routable_message, 'base64');
    } catch {
      return { status: 400, body: envelopeError('invalid routable_message'), category: 'command', vin };
    }
    const reply = this.signed.get(vin)!.handle(message, now, (command, args) => car.command(command, args, now));
    return { status: 200, body: { response: reply.toString('base64') }, category: 'command', vin };
  }

  private limited(vin: string, category: BillingCategory): Reply | null {
    const retryAfter = this.limiter.take(vin, category);
    if (retryAfter === null) return null;
    return { status: 429, body: `Retry in ${retryAfter} seconds`, headers: { 'retry-after': String(retryAfter) }, category, vin };
  }

  /** Tesla's login and consent page (the owner is taken as signed in): the requested scopes, to allow or deny. */
  private consent(q: URLSearchParams): Reply {
    if (q.get('response_type') !== 'code') return { status: 400, body: { error: 'unsupported_response_type' } };
    const problem = this.oauth.checkAuthorizeRequest(q.get('client_id') ?? '', q.get('redirect_uri') ?? '');
    if (problem !== null) return { status: 400, body: { error: problem } };
    return { status: 200, body: consentPage(q, this.oauth.clientId), html: true };
  }

  /** The owner's answer on the consent page: back to the app with a code for the ticked scopes, or access_denied. */
  private authorize(form: URLSearchParams): Reply {
    const redirectUri = form.get('redirect_uri') ?? '';
    const problem = this.oauth.checkAuthorizeRequest(form.get('client_id') ?? '', redirectUri);
    if (problem !== null || form.get('response_type') !== 'code') return { status: 400, body: { error: problem ?? 'unsupported_response_type' } };
    const target = new URL(redirectUri);
    if (form.get('decision') === 'allow') {
      const outcome = this.oauth.authorize(form.get('client_id')!, redirectUri, form.getAll('scope'));
      if ('error' in outcome) return { status: 400, body: { error: outcome.error } };
      target.searchParams.set('code', outcome.code);
    } else {
      target.searchParams.set('error', 'access_denied');
    }
    target.searchParams.set('state', form.get('state') ?? '');
    return { status: 302, body: '', headers: { location: target.toString() } };
  }

  /**
   * `tesla.com/_ak/<domain>`: the owner adds an app's key to cars. The page fetches the key the domain publishes,
   * as Tesla does, so what is paired is what the app serves.
   */
  private async pairing(method: string, url: URL, raw: string): Promise<Reply> {
    const domain = decodeURIComponent(url.pathname.slice('/_ak/'.length)).replace(/\/+$/, '');
    if (!isDomain(domain)) return { status: 400, body: errorPage(`'${domain.slice(0, 100)}' is not a domain (host or host:port)`), html: true };
    const cars = [...this.cars.values()].map((car) => ({ vin: car.vin, displayName: car.displayName }));
    if (method === 'GET') return { status: 200, body: pairingPage(domain, cars), html: true };
    if (method !== 'POST') return { status: 405, body: envelopeError('method not allowed') };
    const vins = new URLSearchParams(raw).getAll('vin').filter((vin) => this.cars.has(vin));
    if (vins.length === 0) return { status: 400, body: errorPage('tick at least one car'), html: true };
    let key: Buffer;
    try {
      const res = await fetch(keyUrl(domain), { signal: AbortSignal.timeout(KEY_FETCH_TIMEOUT_MS), redirect: 'error' });
      if (!res.ok) throw new Error(`${keyUrl(domain)} answered ${res.status}; run \`npm run keys\` first`);
      key = publicKeyFromPem(await res.text());
    } catch (error) {
      return { status: 502, body: errorPage(`could not get the app's public key: ${error instanceof Error ? error.message : 'no answer'}`), html: true };
    }
    this.pairKey(key, vins);
    return {
      status: 200,
      body: pairedPage(
        domain,
        vins.map((vin) => this.cars.get(vin)!.displayName),
      ),
      html: true,
    };
  }

  /** The scope a Fleet API request needs and the token lacks, as Tesla answers 403 for it; null when it has them. */
  private missingScope(path: string, url: URL, granted: ReadonlySet<string>): string | null {
    if (/\/vehicle_data$/.test(path)) {
      if (!granted.has('vehicle_device_data')) return 'vehicle_device_data';
      if ((url.searchParams.get('endpoints') ?? '').includes('location_data') && !granted.has('vehicle_location')) return 'vehicle_location';
      return null;
    }
    const command = /\/command\/([^/]+)$/.exec(path)?.[1];
    if (command !== undefined && CHARGING_COMMANDS.has(command))
      return granted.has('vehicle_cmds') || granted.has('vehicle_charging_cmds') ? null : 'vehicle_charging_cmds';
    if (command !== undefined) return granted.has('vehicle_cmds') ? null : 'vehicle_cmds';
    // A signed command's name is inside its envelope: either command scope lets it through to the car.
    if (path.endsWith('/signed_command')) return granted.has('vehicle_cmds') || granted.has('vehicle_charging_cmds') ? null : 'vehicle_cmds';
    return null;
  }

  private token(raw: string): Reply {
    const form = new URLSearchParams(raw);
    const field = (name: string): string => form.get(name) ?? '';
    let outcome;
    if (field('grant_type') === 'refresh_token') {
      outcome = this.oauth.refresh(field('client_id'), field('refresh_token'));
    } else if (field('grant_type') === 'authorization_code') {
      outcome = this.oauth.exchangeCode({
        clientId: field('client_id'),
        clientSecret: field('client_secret'),
        code: field('code'),
        redirectUri: field('redirect_uri'),
      });
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'use refresh_token or authorization_code' } };
    }
    if (!outcome.ok) return { status: outcome.status, body: { error: outcome.error, error_description: outcome.description } };
    return { status: 200, body: outcome.tokens };
  }

  /** Tesla's shape: paired and unpaired VINs (for the app's key), and per car whether it needs signed commands. */
  private fleetStatus(raw: string): Reply {
    let vins: unknown;
    try {
      vins = (JSON.parse(raw) as { vins?: unknown }).vins;
    } catch {
      vins = undefined;
    }
    if (!Array.isArray(vins) || vins.length === 0 || !vins.every((v) => typeof v === 'string')) {
      return { status: 400, body: envelopeError('vins must be a non-empty list of VINs'), category: 'data' };
    }
    const cars = vins.map((vin) => this.cars.get(vin)).filter((car): car is SimCar => car !== undefined && car.inFleetStatus);
    const paired = (car: SimCar): boolean => this.appKey !== null && this.signed.get(car.vin)!.isPaired(this.appKey);
    const response = {
      key_paired_vins: cars.filter(paired).map((car) => car.vin),
      unpaired_vins: cars.filter((car) => !paired(car)).map((car) => car.vin),
      vehicle_info: Object.fromEntries(
        cars.map((car) => [
          car.vin,
          {
            firmware_version: SIM_FIRMWARE,
            vehicle_command_protocol_required: car.requiresSigning,
            discounted_device_data: false,
            fleet_telemetry_version: '1.1.0',
            total_number_of_keys: this.signed.get(car.vin)!.pairedKeys + 2,
          },
        ]),
      ),
    };
    return { status: 200, body: { response }, category: 'data', vin: cars.length === 1 ? cars[0]!.vin : undefined };
  }

  private find(idOrVin: string): SimCar | undefined {
    return this.cars.get(idOrVin) ?? [...this.cars.values()].find((c) => String(c.id) === idOrVin);
  }

  private summary(car: SimCar): Record<string, unknown> {
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

  private carsReport(): unknown {
    const now = this.clock.now();
    return {
      now: new Date(now).toISOString(),
      cars: [...this.cars.values()].map((car) => {
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
}

function envelopeError(error: string): { response: null; error: string; error_description: string } {
  return { response: null, error, error_description: '' };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
