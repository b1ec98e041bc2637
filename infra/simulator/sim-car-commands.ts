import type { CommandOutcome } from './sim-car-types';
import { UnknownCommandError } from './sim-car-types';

/** What a REST command may change on a simulated car. */
export interface CommandableCar {
  locked: boolean;
  driverTemp: number;
  passengerTemp: number;
  chargingAmps: number;
  chargePortOpen: boolean;
  chargeLimit: number;
  readonly seatHeaters: Map<number, number>;
  startClimate(now: number): void;
  stopClimate(now: number): void;
  setChargeLimit(percent: number): boolean;
  startCharging(): string | null;
  stopCharging(): string | null;
  setSentry(on: boolean, now: number): void;
}

const OK: CommandOutcome = { result: true, reason: '' };
const refusedFor = (reason: string | null): CommandOutcome => (reason === null ? OK : { result: false, reason });

/** Commands that are accepted and change nothing the simulator models. */
const NO_EFFECT = new Set(['honk_horn', 'flash_lights', 'actuate_trunk', 'window_control', 'remote_start_drive', 'charge_standard']);

/** Applies one REST command as the car would, with Tesla's `reason` when the car refuses it. */
export function applyCommand(car: CommandableCar, name: string, body: Record<string, unknown>, now: number): CommandOutcome {
  switch (name) {
    case 'door_lock':
    case 'door_unlock':
      car.locked = name === 'door_lock';
      return OK;
    case 'auto_conditioning_start':
      car.startClimate(now);
      return OK;
    case 'auto_conditioning_stop':
      car.stopClimate(now);
      return OK;
    case 'set_temps':
      car.driverTemp = Number(body.driver_temp);
      car.passengerTemp = Number(body.passenger_temp);
      return OK;
    case 'set_charge_limit':
      return refusedFor(car.setChargeLimit(Number(body.percent)) ? null : 'already_set');
    case 'charge_max_range':
      return refusedFor(car.setChargeLimit(100) ? null : 'already_max_range');
    default:
      return chargingOrComfort(car, name, body, now);
  }
}

function chargingOrComfort(car: CommandableCar, name: string, body: Record<string, unknown>, now: number): CommandOutcome {
  switch (name) {
    case 'set_charging_amps':
      car.chargingAmps = Number(body.charging_amps);
      return OK;
    case 'charge_start':
      return refusedFor(car.startCharging());
    case 'charge_stop':
      return refusedFor(car.stopCharging());
    case 'charge_port_door_open':
    case 'charge_port_door_close':
      car.chargePortOpen = name === 'charge_port_door_open';
      return OK;
    case 'set_sentry_mode':
      car.setSentry(body.on === true, now);
      return OK;
    case 'remote_seat_heater_request':
      car.seatHeaters.set(Number(body.seat_position), Number(body.level));
      return OK;
    default:
      if (NO_EFFECT.has(name)) return OK;
      throw new UnknownCommandError(name);
  }
}
