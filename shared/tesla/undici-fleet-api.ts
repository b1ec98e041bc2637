import { chargingHistoryPath, parseChargingHistory } from './charging-history';
import { CHARGING_SCOPE_COMMANDS } from '../domain/commands/catalogue';
import type { Dispatcher } from 'undici';
import type { BillingCategory, ChargingHistoryPage, CommandResult, FleetApi, VehicleSigningInfo } from '../domain/fleet-api';
import {
  AccessTokenRejectedError,
  CommandSigningRequiredError,
  MissingScopeError,
  RateLimitedError,
  SignedCommandsUnsupportedError,
  UnexpectedFleetResponseError,
  UnreadableAnswerError,
  VehicleNotFoundError,
  VehicleUnavailableError,
  WrongRegionError,
} from '../domain/fleet-errors';
import { ACCOUNT_SCOPE } from '../domain/request-meter';
import { parseOnlineState, type VehicleSummary } from '../domain/vehicle';
import type { AccessTokenProvider } from '../tokens/ports';
import { errorText, parseJson, retryAfterSeconds } from './fleet-response';
import { currentFleetCallContext } from '../domain/fleet-call-context';
import { readAccessTokenClaims } from '../tokens/token-claims';
import { teslaRequest, type TeslaAnswer } from './tesla-request';
import type { TelemetryConfigApi, TelemetryConfigResult, TelemetryConfigStatus, TelemetryError } from '../domain/telemetry/telemetry-config';
import { parseTelemetryConfigResult, parseTelemetryConfigStatus, parseTelemetryDelete, parseTelemetryErrors } from './telemetry-config-answers';
import { baseUrlFromWrongRegion, FLEET_API_HOSTS, isTrustedRegionMove } from '../domain/fleet-regions';

export interface FleetApiOptions {
  baseUrl: string;
  tokens: AccessTokenProvider;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
  /** Told when a 421 moved the client to another region's host, so the caller can remember it. */
  onRegionChange?: (baseUrl: string) => void;
  /**
   * Asked once, before the first request: the account's host if known (learnt from a 421, or the token's claims).
   * Only a Tesla Fleet host is taken; otherwise `baseUrl` stays.
   */
  resolveBaseUrl?: () => Promise<string | null | undefined>;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** How Tesla bills the request (for counting the answers this client retried itself). */
  category: BillingCategory;
  vin?: string;
  body?: Record<string, unknown>;
  /** A document rather than JSON (an invoice PDF): this is accepted, and the answer is read as bytes up to maxBytes. */
  document?: { accept: string; maxBytes: number };
}

/**
 * An invoice larger than this is not served: the answer (base64, 4/3 larger) must stay under Lambda's 6 MB response
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, invocation payload).
 */
export const MAX_INVOICE_BYTES = 4 * 1024 * 1024;

const telemetryPath = (vin: string, endpoint: string): string => `/api/1/vehicles/${encodeURIComponent(vin)}/${endpoint}`;

const DATA_ENDPOINTS = ['charge_state', 'climate_state', 'drive_state', 'vehicle_state'];

/**
 * The Fleet API over undici. A 401 renews the token and retries once; a 421 naming another host moves there and
 * retries once. Everything else becomes a FleetApiError for the caller to decide on — nothing here retries a
 * command, because a retried command can happen twice.
 */
export class UndiciFleetApi implements FleetApi, TelemetryConfigApi {
  private baseUrl: string;
  private resolved: Promise<void> | null = null;

  constructor(private readonly options: FleetApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get currentBaseUrl(): string {
    return this.baseUrl;
  }

  async listVehicles(): Promise<VehicleSummary[]> {
    const body = await this.call({ method: 'GET', path: '/api/1/vehicles', category: 'free' });
    const list = (body as { response?: unknown }).response;
    if (!Array.isArray(list)) throw new UnreadableAnswerError('vehicle list without a response array', 200);
    return list.map(toSummary).filter((v): v is VehicleSummary => v !== null);
  }

  async getVehicle(vin: string): Promise<VehicleSummary> {
    return this.summaryOf(await this.call({ method: 'GET', path: `/api/1/vehicles/${encodeURIComponent(vin)}`, category: 'free', vin }));
  }

  async getVehicleData(vin: string, options: { includeLocation: boolean }): Promise<unknown> {
    const endpoints = options.includeLocation ? [...DATA_ENDPOINTS, 'location_data'] : DATA_ENDPOINTS;
    const path = `/api/1/vehicles/${encodeURIComponent(vin)}/vehicle_data?endpoints=${encodeURIComponent(endpoints.join(';'))}`;
    const body = await this.call({ method: 'GET', path, category: 'data', vin });
    const response = (body as { response?: unknown }).response;
    if (!isVehicleData(response)) throw new UnreadableAnswerError('vehicle_data answer without any of the state objects asked for', 200);
    return response;
  }

  async wakeUp(vin: string): Promise<VehicleSummary> {
    return this.summaryOf(await this.call({ method: 'POST', path: `/api/1/vehicles/${encodeURIComponent(vin)}/wake_up`, category: 'wake', vin }));
  }

  async sendCommand(vin: string, command: string, body: Record<string, unknown>): Promise<CommandResult> {
    const path = `/api/1/vehicles/${encodeURIComponent(vin)}/command/${encodeURIComponent(command)}`;
    const answer = await this.call({ method: 'POST', path, category: 'command', vin, body });
    const response = (answer as { response?: { result?: unknown; reason?: unknown } | null }).response;
    if (typeof response?.result !== 'boolean') throw new UnreadableAnswerError('command answer without a result', 200);
    return { result: response.result, reason: typeof response.reason === 'string' ? response.reason : '' };
  }

  /**
   * POST signed_command with a RoutableMessage; returns the car's RoutableMessage. On this endpoint a 503 means the
   * car is asleep, as Tesla's own client reads it (the message was not delivered): it is reported like a 408.
   */
  async signedCommand(vin: string, routableMessage: Buffer): Promise<Buffer> {
    const path = `/api/1/vehicles/${encodeURIComponent(vin)}/signed_command`;
    let answer: unknown;
    try {
      answer = await this.call({ method: 'POST', path, category: 'command', vin, body: { routable_message: routableMessage.toString('base64') } });
    } catch (error) {
      if (error instanceof UnexpectedFleetResponseError && error.status === 503) throw new VehicleUnavailableError(vin, 503);
      throw error;
    }
    const response = (answer as { response?: unknown }).response;
    if (typeof response !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(response))
      throw new UnreadableAnswerError('signed_command answer without a base64 response', 200);
    return Buffer.from(response, 'base64');
  }

  /** POST fleet_status: per car, whether it needs signed commands and whether the app's key is paired. */
  async fleetStatus(vins: string[]): Promise<Map<string, VehicleSigningInfo>> {
    const answer = await this.call({ method: 'POST', path: '/api/1/vehicles/fleet_status', category: 'data', body: { vins } });
    const response = (answer as { response?: unknown }).response;
    if (typeof response !== 'object' || response === null) throw new UnreadableAnswerError('fleet_status answer without a response', 200);
    return parseFleetStatus(response as Record<string, unknown>, vins);
  }

  /** One page of the car's Supercharger sessions (Tesla's charging history); see charging-history.ts. */
  async chargingHistoryPage(vin: string, range: { fromMs: number; toMs: number }, page: number): Promise<ChargingHistoryPage> {
    return parseChargingHistory(await this.call({ method: 'GET', path: chargingHistoryPath(vin, range, page), category: 'history', vin }), vin);
  }

  /**
   * The invoice PDF of a Supercharger session (`/dx/charging/invoice/{id}`), counted like the charging history. An
   * answer that is not a PDF is unreadable, never handed on as one.
   */
  async chargingInvoice(vin: string, invoiceId: string): Promise<Uint8Array> {
    const path = `/api/1/dx/charging/invoice/${encodeURIComponent(invoiceId)}`;
    const answer = await this.exchange({ method: 'GET', path, category: 'history', vin, document: { accept: 'application/pdf', maxBytes: MAX_INVOICE_BYTES } });
    if (answer.bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new UnreadableAnswerError('invoice answer that is not a PDF', answer.status);
    return answer.bytes;
  }

  /** POST fleet_telemetry_config_jws: sends a signed streaming configuration (see tesla-jws) to the cars. */
  async createTelemetryConfig(vins: string[], token: string): Promise<TelemetryConfigResult> {
    return parseTelemetryConfigResult(
      await this.call({ method: 'POST', path: '/api/1/vehicles/fleet_telemetry_config_jws', category: 'data', body: { vins, token } }),
    );
  }

  async telemetryConfig(vin: string): Promise<TelemetryConfigStatus> {
    return parseTelemetryConfigStatus(await this.call({ method: 'GET', path: telemetryPath(vin, 'fleet_telemetry_config'), category: 'data', vin }));
  }

  async deleteTelemetryConfig(vin: string): Promise<{ updatedVehicles: number }> {
    return parseTelemetryDelete(await this.call({ method: 'DELETE', path: telemetryPath(vin, 'fleet_telemetry_config'), category: 'data', vin }));
  }

  async telemetryErrors(vin: string): Promise<TelemetryError[]> {
    return parseTelemetryErrors(await this.call({ method: 'GET', path: telemetryPath(vin, 'fleet_telemetry_errors'), category: 'data', vin }), vin);
  }

  private summaryOf(body: unknown): VehicleSummary {
    const summary = toSummary((body as { response?: unknown }).response);
    if (summary === null) throw new UnreadableAnswerError('vehicle answer without a VIN', 200);
    return summary;
  }

  private async call(call: Call): Promise<unknown> {
    const { status, raw } = await this.exchange(call);
    const parsed = parseJson(raw);
    // An unreadable 2xx is not an empty answer: it may hide a command that ran, and it is never a reading.
    if (typeof parsed !== 'object' || parsed === null) throw new UnreadableAnswerError(`Fleet API answered ${status} with a body that is not JSON`, status);
    return parsed;
  }

  /** One request, renewed once after a 401 and moved once after a 421; a 2xx answer, else the error it means. */
  private async exchange(call: Call, attempt = { token: false, region: false }): Promise<TeslaAnswer> {
    this.resolved ??= this.resolveBaseUrl();
    await this.resolved;
    const token = await this.options.tokens.get();
    const answer = await this.send(call, token);
    const { status, raw, retryAfter } = answer;
    if (status >= 200 && status < 300) return answer;

    const body = parseJson(raw);
    const message = errorText(body, raw);
    // Both answers below are billed (status < 500) and then retried here, where the port's meter cannot see them.
    const retried = (): void => currentFleetCallContext().onRetriedAnswer?.(call.category, call.vin ?? ACCOUNT_SCOPE);
    if (status === 401 && !attempt.token) {
      await this.options.tokens.renewAfterRejection(token);
      retried();
      return this.exchange(call, { ...attempt, token: true });
    }
    if (status === 421) {
      const url = baseUrlFromWrongRegion(message);
      if (url !== null && url !== this.baseUrl && !attempt.region && isTrustedRegionMove(this.baseUrl, url)) {
        this.baseUrl = url;
        this.options.onRegionChange?.(url);
        retried();
        return this.exchange(call, { ...attempt, region: true });
      }
      throw new WrongRegionError(url);
    }
    if (status === 403) {
      const missing = missingScopes(call.path, token);
      if (missing.length > 0) throw new MissingScopeError(missing);
    }
    throw this.errorFor(status, message, raw, retryAfter, call.vin);
  }

  private async resolveBaseUrl(): Promise<void> {
    const url = (await this.options.resolveBaseUrl?.().catch(() => null))?.replace(/\/+$/, '');
    if (url && url !== this.baseUrl && isFleetApiHost(url)) this.baseUrl = url;
  }

  private errorFor(status: number, message: string, raw: string, retryAfter: string | string[] | undefined, vin?: string): Error {
    switch (status) {
      case 401:
        return new AccessTokenRejectedError();
      case 403:
        if (/vehicle command protocol required/i.test(message) && vin) return new CommandSigningRequiredError(vin);
        return new UnexpectedFleetResponseError(`Tesla refused the request (403): ${message.slice(0, 200)}`, 403);
      case 404:
        if (vin) return new VehicleNotFoundError(vin);
        return new UnexpectedFleetResponseError(`Fleet API answered 404: ${message.slice(0, 200)}`, 404);
      case 408:
        return new VehicleUnavailableError(vin ?? 'unknown');
      case 422:
        if (vin) return new SignedCommandsUnsupportedError(vin);
        return new UnexpectedFleetResponseError(`Fleet API answered 422: ${message.slice(0, 200)}`, 422);
      case 429:
        return new RateLimitedError(retryAfterSeconds(retryAfter, raw) ?? 300);
      default:
        return new UnexpectedFleetResponseError(`Fleet API answered ${status}: ${message.slice(0, 200)}`, status);
    }
  }

  private send(call: Call, token: string): Promise<TeslaAnswer> {
    return teslaRequest(`${this.baseUrl}${call.path}`, {
      method: call.method,
      headers: { authorization: `Bearer ${token}`, ...(call.body ? { 'content-type': 'application/json' } : {}) },
      ...(call.body ? { body: JSON.stringify(call.body) } : {}),
      timeoutMs: this.options.timeoutMs ?? 20_000,
      ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      ...(call.document ? { accept: call.document.accept, maxBytes: call.document.maxBytes } : {}),
    });
  }
}

/**
 * The scopes a refused request needed that the access token was not granted (from its `scp` claim); empty when the
 * token says nothing readable, or has them all (the 403 is then about something else).
 */
function missingScopes(path: string, token: string): string[] {
  const granted = readAccessTokenClaims(token)?.scopes;
  if (!granted || granted.length === 0) return [];
  const has = (scope: string): boolean => granted.includes(scope);
  const needed: string[] = [];
  if (path.includes('/vehicle_data')) {
    if (!has('vehicle_device_data')) needed.push('vehicle_device_data');
    if (decodeURIComponent(path).includes('location_data') && !has('vehicle_location')) needed.push('vehicle_location');
  } else if (CHARGING_SCOPE_COMMANDS.has(/\/command\/([^/?]+)/.exec(path)?.[1] ?? '')) {
    if (!has('vehicle_charging_cmds') && !has('vehicle_cmds')) needed.push('vehicle_charging_cmds');
  } else if (path.startsWith('/api/1/dx/charging/')) {
    // Tesla does not publish which scope its charging history needs; vehicle_charging_cmds is the likely one.
    if (!has('vehicle_charging_cmds')) needed.push('vehicle_charging_cmds');
  } else if (path.includes('/command/') || path.endsWith('/signed_command')) {
    if (!has('vehicle_cmds')) needed.push('vehicle_cmds');
  }
  return needed;
}

function isFleetApiHost(url: string): boolean {
  return (Object.values(FLEET_API_HOSTS) as string[]).includes(url);
}

function isVehicleData(response: unknown): boolean {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return false;
  const r = response as Record<string, unknown>;
  return DATA_ENDPOINTS.some((endpoint) => typeof r[endpoint] === 'object' && r[endpoint] !== null);
}

function parseFleetStatus(response: Record<string, unknown>, vins: string[]): Map<string, VehicleSigningInfo> {
  const listed = (key: string): string[] =>
    Array.isArray(response[key]) ? (response[key] as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  const paired = new Set(listed('key_paired_vins'));
  const unpaired = new Set(listed('unpaired_vins'));
  const info = typeof response.vehicle_info === 'object' && response.vehicle_info !== null ? (response.vehicle_info as Record<string, unknown>) : {};
  const out = new Map<string, VehicleSigningInfo>();
  for (const vin of vins) {
    const car = info[vin] as { vehicle_command_protocol_required?: unknown } | undefined;
    const required = car?.vehicle_command_protocol_required;
    out.set(vin, {
      protocolRequired: typeof required === 'boolean' ? required : null,
      keyPaired: paired.has(vin) ? true : unpaired.has(vin) ? false : null,
    });
  }
  return out;
}

function toSummary(value: unknown): VehicleSummary | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.vin !== 'string') return null;
  return {
    vin: v.vin,
    displayName: typeof v.display_name === 'string' ? v.display_name : null,
    state: parseOnlineState(v.state),
  };
}
