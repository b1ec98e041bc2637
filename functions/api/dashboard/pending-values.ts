/**
 * What a command that succeeded has set, shown as pending until the car's next reading: Tesla answering "done"
 * means the car took the command, but the stored state changes only with the next reading, which may be a while.
 * A reading taken after the command is the truth, whether it shows the new value or not.
 */
export type PendingField = 'chargeLimitSoc' | 'chargeAmpsSetting' | 'sentryMode' | 'locked' | 'climateOn' | 'charging' | 'driverTempSettingC';

export interface PendingValue {
  value: number | boolean;
  /**
   * The car's newest reading when the command was answered (its own timestamp, ms; null: none yet). A reading newer
   * than that is the truth. The car's clock, not this browser's, which may be minutes apart from it.
   */
  afterReadingAt: number | null;
}

const pending = new Map<string, Map<PendingField, PendingValue>>();
const newestReading = new Map<string, number>();

/** The car's newest reading as the page last saw it. */
export function noteReading(vin: string, takenAt: number | null): void {
  if (takenAt !== null) newestReading.set(vin, Math.max(takenAt, newestReading.get(vin) ?? 0));
}

/** The state a command sets, for the commands whose effect a reading shows. */
export function effectOf(command: string, body: Record<string, unknown>): Array<[PendingField, number | boolean]> {
  const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  switch (command) {
    case 'set_charge_limit':
      return number(body.percent) === null ? [] : [['chargeLimitSoc', number(body.percent)!]];
    case 'charge_max_range':
      return [['chargeLimitSoc', 100]];
    case 'set_charging_amps':
      return number(body.charging_amps) === null ? [] : [['chargeAmpsSetting', number(body.charging_amps)!]];
    case 'set_sentry_mode':
      return typeof body.on === 'boolean' ? [['sentryMode', body.on]] : [];
    case 'door_lock':
    case 'door_unlock':
      return [['locked', command === 'door_lock']];
    case 'auto_conditioning_start':
    case 'auto_conditioning_stop':
      return [['climateOn', command === 'auto_conditioning_start']];
    case 'charge_start':
    case 'charge_stop':
      return [['charging', command === 'charge_start']];
    case 'set_temps':
      return number(body.driver_temp) === null ? [] : [['driverTempSettingC', number(body.driver_temp)!]];
    default:
      return [];
  }
}

export function rememberCommand(vin: string, command: string, body: Record<string, unknown>): void {
  const mine = pending.get(vin) ?? new Map<PendingField, PendingValue>();
  for (const [field, value] of effectOf(command, body)) mine.set(field, { value, afterReadingAt: newestReading.get(vin) ?? null });
  pending.set(vin, mine);
}

/** What is still pending for the car, given its newest reading: a value sent before that reading is forgotten. */
export function pendingFor(vin: string, readingAt: number | null): Map<PendingField, PendingValue> {
  noteReading(vin, readingAt);
  const mine = pending.get(vin) ?? new Map<PendingField, PendingValue>();
  for (const [field, p] of mine) if (readingAt !== null && readingAt > (p.afterReadingAt ?? -Infinity)) mine.delete(field);
  return mine;
}
