import type { ChargingHistoryPage, CommandResult, FleetApi, VehicleSigningInfo } from '../../shared/domain/fleet-api';
import type { TeslaChargingRecord } from '../../shared/domain/supercharger/tesla-charging-record';
import type { VehicleSummary } from '../../shared/domain/vehicle';

export interface FleetCall {
  method: keyof FleetApi;
  vin?: string;
  command?: string;
  body?: Record<string, unknown>;
}

/** A FleetApi whose answers the test scripts, recording every call. */
export class FakeFleetApi implements FleetApi {
  readonly calls: FleetCall[] = [];
  vehicles: VehicleSummary[] = [];
  vehicleData: (vin: string) => unknown = () => ({});
  commandResult: (vin: string, command: string) => CommandResult = () => ({ result: true, reason: '' });
  /** What `fleet_status` says of a car (throw to make the call fail). */
  signingInfo: (vin: string) => VehicleSigningInfo = () => ({ protocolRequired: null, keyPaired: null });
  /** Tesla's Supercharger records per car (throw to make the call fail). */
  chargingHistory: (vin: string) => TeslaChargingRecord[] = () => [];
  /** The PDF of an invoice (throw to make the call fail). */
  invoice: (vin: string, invoiceId: string) => Uint8Array = () => Buffer.from('%PDF-1.4\n%%EOF\n');

  listVehicles(): Promise<VehicleSummary[]> {
    this.calls.push({ method: 'listVehicles' });
    return Promise.resolve(this.vehicles);
  }
  getVehicle(vin: string): Promise<VehicleSummary> {
    this.calls.push({ method: 'getVehicle', vin });
    const v = this.vehicles.find((x) => x.vin === vin);
    return v ? Promise.resolve(v) : Promise.reject(new Error('no such vehicle'));
  }
  getVehicleData(vin: string): Promise<unknown> {
    this.calls.push({ method: 'getVehicleData', vin });
    try {
      return Promise.resolve(this.vehicleData(vin));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  wakeUp(vin: string): Promise<VehicleSummary> {
    this.calls.push({ method: 'wakeUp', vin });
    return Promise.resolve({ vin, displayName: null, state: 'asleep' });
  }
  sendCommand(vin: string, command: string, body: Record<string, unknown>): Promise<CommandResult> {
    this.calls.push({ method: 'sendCommand', vin, command, body });
    try {
      return Promise.resolve(this.commandResult(vin, command));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  signedCommand(vin: string): Promise<Buffer> {
    this.calls.push({ method: 'signedCommand', vin });
    return Promise.reject(new Error('FakeFleetApi does not speak the Vehicle Command Protocol; use the simulator'));
  }
  fleetStatus(vins: string[]): Promise<Map<string, VehicleSigningInfo>> {
    this.calls.push({ method: 'fleetStatus', vin: vins.join(',') });
    try {
      return Promise.resolve(new Map(vins.map((vin) => [vin, this.signingInfo(vin)])));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  chargingHistoryPage(vin: string, range: { fromMs: number; toMs: number }, page: number): Promise<ChargingHistoryPage> {
    this.calls.push({ method: 'chargingHistoryPage', vin });
    try {
      const all = this.chargingHistory(vin).filter((r) => r.startAt >= range.fromMs && r.startAt <= range.toMs);
      const records = all.slice((page - 1) * 50, page * 50);
      return Promise.resolve({ records, unreadable: 0, more: all.length > page * 50 });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  chargingInvoice(vin: string, invoiceId: string): Promise<Uint8Array> {
    this.calls.push({ method: 'chargingInvoice', vin });
    try {
      return Promise.resolve(this.invoice(vin, invoiceId));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
