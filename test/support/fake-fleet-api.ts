import type { CommandResult, FleetApi } from '../../shared/domain/fleet-api';
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
    return Promise.resolve(this.commandResult(vin, command));
  }
}
