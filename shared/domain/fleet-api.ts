import type { TeslaChargingRecord } from './supercharger/tesla-charging-record';
import type { VehicleSummary } from './vehicle';

/** What `fleet_status` says of one car; null where Tesla did not say. */
export interface VehicleSigningInfo {
  /** The car refuses unsigned (REST) commands. */
  protocolRequired: boolean | null;
  /** The app's public key is paired with the car. */
  keyPaired: boolean | null;
}

export interface CommandResult {
  result: boolean;
  reason: string;
}

/**
 * The port through which the domain talks to Tesla. One implementation speaks HTTP to the Fleet API;
 * the simulator is reached through the same implementation. Errors are the classes in `fleet-errors`.
 */
export interface FleetApi {
  /** Free: the account's cars and whether each is online. Never wakes a car. */
  listVehicles(): Promise<VehicleSummary[]>;
  /** Free: one car's online state. Never wakes it, never resets its sleep timer. */
  getVehicle(vin: string): Promise<VehicleSummary>;
  /** Billed as data; resets the car's sleep timer. Returns the raw `response` object. */
  getVehicleData(vin: string, options: { includeLocation: boolean }): Promise<unknown>;
  /** Billed as a wake. */
  wakeUp(vin: string): Promise<VehicleSummary>;
  /** Billed as a command. */
  sendCommand(vin: string, command: string, body: Record<string, unknown>): Promise<CommandResult>;
  /** Billed as a command: posts a Vehicle Command Protocol RoutableMessage, returns the car's reply. */
  signedCommand(vin: string, routableMessage: Buffer): Promise<Buffer>;
  /** Whether each car needs signed commands and has the app's key; counted as data (Tesla does not say). */
  fleetStatus(vins: string[]): Promise<Map<string, VehicleSigningInfo>>;
  /** One page of the car's Supercharger sessions that started in the range (`history`); Tesla's own records. */
  chargingHistoryPage(vin: string, range: { fromMs: number; toMs: number }, page: number): Promise<ChargingHistoryPage>;
  /** The PDF of one of Tesla's Supercharger invoices (`history`, like the charging history it is listed in). */
  chargingInvoice(vin: string, invoiceId: string): Promise<Uint8Array>;
}

export interface ChargingHistoryPage {
  records: TeslaChargingRecord[];
  /** Rows Tesla gave that could not be read (not stored: an unreadable answer is not data). */
  unreadable: number;
  /** Another page may follow. */
  more: boolean;
}

/**
 * How Tesla bills a request. `history` is Tesla's charging history, whose price Tesla does not publish: it is priced
 * by a setting (the data price unless the owner says otherwise), like the list calls Tesla reports free.
 */
export type BillingCategory = 'data' | 'command' | 'wake' | 'free' | 'history';
