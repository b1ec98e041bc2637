import { chargingHistoryReply, invoicedSession, invoiceReply } from './sim-supercharger';
import { readBody } from './sim-pages';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BillingCategory } from '../../shared/domain/fleet-api';
import type { FleetRegion } from '../../shared/domain/fleet-regions';
import { DEMO_PROFILE } from './drive-profile';
import { SimCar } from './sim-car';
import { UnknownCommandError, type SimCarOptions } from './sim-car-types';
import { SimClock } from './sim-clock';
import { SimTelemetryConfigs } from './sim-telemetry-config';
import { SimSignedEndpoint } from './sim-signed';
import { SimBilling, SimRateLimiter } from './sim-metering';
import { SimOAuth, type IssuedTokens } from './sim-oauth';
import { carsReport, fleetStatusReply, pairingReply, vehicleSummary } from './sim-account-routes';
import { ASLEEP_BODY, authorizeReply, consentReply, envelopeError, missingScope, SIGNING_REQUIRED_BODY, tokenReply, type Reply } from './sim-oauth-routes';

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
  /** Each car's Fleet Telemetry configuration for the app. */
  readonly telemetry: SimTelemetryConfigs;

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
    this.telemetry = new SimTelemetryConfigs(
      this.cars,
      (vin) => this.appKeyPaired(vin),
      () => this.appKey,
    );
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

  /** Whether the owner paired the app's registered key with the car (what fleet_status and telemetry configs check). */
  private appKeyPaired(vin: string): boolean {
    return this.appKey !== null && this.signed.get(vin)?.isPaired(this.appKey) === true;
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
        reply = await pairingReply(this.cars, (key, vins) => this.pairKey(key, vins), req.method ?? 'GET', url, raw);
      } else {
        reply = this.route(region, req.method ?? 'GET', url, req.headers.authorization, raw);
      }
    } catch {
      reply = { status: 500, body: { response: null, error: 'internal error', error_description: '' } };
    }
    if (reply.category) this.billing.record(reply.category, reply.status, reply.vin ?? null);
    const text = typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
    const type = reply.html ? 'text/html; charset=utf-8' : typeof reply.body === 'string' ? 'text/plain' : 'application/json';
    res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
    res.end(text);
  }

  private route(region: FleetRegion, method: string, url: URL, authorization: string | undefined, raw: string): Reply {
    const path = url.pathname;
    if (path === '/oauth2/v3/token' && method === 'POST') return tokenReply(this.oauth, raw);
    if (path === '/oauth2/v3/authorize' && method === 'GET') return consentReply(this.oauth, url.searchParams);
    if (path === '/oauth2/v3/authorize' && method === 'POST') return authorizeReply(this.oauth, new URLSearchParams(raw));
    if (path === '/sim/usage' && method === 'GET') return { status: 200, body: this.billing.toJSON() };
    if (path === '/sim/cars' && method === 'GET') return { status: 200, body: carsReport(this.cars, this.clock.now()) };
    if (!path.startsWith('/api/1/')) return { status: 404, body: envelopeError('not_found') };

    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
    const problem = this.oauth.checkAccessToken(token);
    // Unauthenticated and wrong-region answers cannot be attributed to an account, so they are not billed here.
    if (problem !== null) return { status: 401, body: envelopeError(problem) };
    const missing = missingScope(path, url, new Set(this.oauth.scopesOf(token!)));
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
        return vehicleSummary(car);
      });
      return { status: 200, body: { response: list, count: list.length }, category: 'free' };
    }
    if (path === '/api/1/vehicles/fleet_status' && method === 'POST') return fleetStatusReply(this.cars, this.signed, (vin) => this.appKeyPaired(vin), raw);
    if (path === '/api/1/dx/charging/history' && method === 'GET') return this.chargingHistory(url, now);
    if (path.includes('/fleet_telemetry_')) {
      const telemetry = this.telemetry.reply(method, path, raw, now);
      if (telemetry) return telemetry;
    }
    if (path.startsWith('/api/1/dx/charging/invoice/') && method === 'GET')
      return this.invoice(decodeURIComponent(path.slice('/api/1/dx/charging/invoice/'.length)), now);
    const match = /^\/api\/1\/vehicles\/([^/]+)(?:\/(vehicle_data|wake_up|signed_command|command\/([^/]+)))?$/.exec(path);
    const car = match ? this.find(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !car) return { status: 404, body: envelopeError('not_found') };
    car.advanceTo(now);
    const action = match[2];
    const vin = car.vin;

    if (action === undefined && method === 'GET') return { status: 200, body: { response: vehicleSummary(car) }, category: 'free', vin };
    if (action === 'vehicle_data' && method === 'GET') {
      return this.limited(vin, 'data') ?? this.vehicleData(car, url, now);
    }
    if (action === 'wake_up' && method === 'POST') {
      const limited = this.limited(vin, 'wake');
      if (limited) return limited;
      car.wake(now);
      return { status: 200, body: { response: vehicleSummary(car) }, category: 'wake', vin };
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

  /** The car's Supercharger sessions with their fees (sim-supercharger). */
  private chargingHistory(url: URL, now: number): Reply {
    const car = this.find(url.searchParams.get('vin') ?? '');
    if (!car) return { status: 404, body: envelopeError('not_found') };
    car.advanceTo(now);
    return this.limited(car.vin, 'history') ?? chargingHistoryReply(car.vin, car.truth.chargeSessions, url);
  }

  /** An invoice of any car in the account, by its id (as Tesla's ids are the account's). */
  private invoice(invoiceId: string, now: number): Reply {
    for (const car of this.cars.values()) {
      car.advanceTo(now);
      const found = invoicedSession(car.vin, car.truth.chargeSessions, invoiceId);
      if (found) return this.limited(car.vin, 'history') ?? invoiceReply(car.vin, found.session, found.index);
    }
    return { status: 404, body: envelopeError('not_found'), category: 'history' };
  }

  private limited(vin: string, category: BillingCategory): Reply | null {
    const retryAfter = this.limiter.take(vin, category);
    if (retryAfter === null) return null;
    return { status: 429, body: `Retry in ${retryAfter} seconds`, headers: { 'retry-after': String(retryAfter) }, category, vin };
  }

  private find(idOrVin: string): SimCar | undefined {
    return this.cars.get(idOrVin) ?? [...this.cars.values()].find((c) => String(c.id) === idOrVin);
  }
}
