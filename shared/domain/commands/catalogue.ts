import * as z from 'zod';
import { lazily } from '../lazily';

/** The commands the API forwards. */
export const COMMAND_NAMES = [
  'wake_up',
  'auto_conditioning_start',
  'auto_conditioning_stop',
  'set_temps',
  'door_lock',
  'door_unlock',
  'charge_start',
  'charge_stop',
  'charge_max_range',
  'charge_standard',
  'set_charge_limit',
  'set_charging_amps',
  'charge_port_door_open',
  'charge_port_door_close',
  'honk_horn',
  'flash_lights',
  'remote_start_drive',
  'actuate_trunk',
  'set_sentry_mode',
  'remote_seat_heater_request',
  'window_control',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

type CommandBodySchema = z.ZodType<Record<string, unknown>>;

/**
 * The schema of each command's body (ranges from Tesla's documentation), built on first use. Bodies are strict: an
 * unknown field is an error, not something silently dropped on the way to the car.
 */
const commandSchemas = lazily((): Record<CommandName, CommandBodySchema> => {
  const none = z.strictObject({});
  const celsius = z.number().min(15).max(28);
  return {
    wake_up: none,
    auto_conditioning_start: none,
    auto_conditioning_stop: none,
    set_temps: z.strictObject({ driver_temp: celsius, passenger_temp: celsius }),
    door_lock: none,
    door_unlock: none,
    charge_start: none,
    charge_stop: none,
    charge_max_range: none,
    charge_standard: none,
    set_charge_limit: z.strictObject({ percent: z.int().min(50).max(100) }),
    set_charging_amps: z.strictObject({ charging_amps: z.int().min(1).max(80) }),
    charge_port_door_open: none,
    charge_port_door_close: none,
    honk_horn: none,
    flash_lights: none,
    remote_start_drive: none,
    actuate_trunk: z.strictObject({ which_trunk: z.enum(['front', 'rear']) }),
    set_sentry_mode: z.strictObject({ on: z.boolean() }),
    remote_seat_heater_request: z.strictObject({ seat_position: z.int().min(0).max(8), level: z.int().min(0).max(3) }),
    window_control: z.strictObject({
      command: z.enum(['vent', 'close']),
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
    }),
  };
});

export function commandSchema(name: CommandName): CommandBodySchema {
  return commandSchemas()[name];
}

/** Commands that open the car or let it be driven are off until the owner allows them. */
export const DEFAULT_DISALLOWED: ReadonlySet<CommandName> = new Set(['door_unlock', 'remote_start_drive', 'window_control']);

export const DEFAULT_ALLOWED_COMMANDS: ReadonlySet<CommandName> = new Set(COMMAND_NAMES.filter((c) => !DEFAULT_DISALLOWED.has(c)));

/**
 * Answers with `result: false` that mean the car is already where the command would put it; the API reports these
 * as success with the reason shown.
 */
export const ALREADY_DONE_REASONS: ReadonlySet<string> = new Set([
  'already_set',
  'already_max_range',
  'already_standard',
  'complete',
  'is_charging',
  'not_charging',
  'already_on',
  'already_off',
]);

/**
 * The commands Tesla's `vehicle_charging_cmds` scope allows (`vehicle_cmds` allows every command): a login without
 * either gets 403 for them.
 */
export const CHARGING_SCOPE_COMMANDS: ReadonlySet<string> = new Set(
  COMMAND_NAMES.filter((name) => name.startsWith('charge_') || name === 'set_charge_limit' || name === 'set_charging_amps'),
);
