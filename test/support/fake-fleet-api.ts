import type { CommandResult, FleetApi, VehicleSigningInfo } from '../../shared/domain/fleet-api';
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
}
