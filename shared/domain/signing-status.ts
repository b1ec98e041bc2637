/**
 * Which transport a car takes for commands, as learnt from Tesla: `fleet_status` when first needed, then corrected by
 * the car's own answers (a 422 to `signed_command`, a 403 "Vehicle Command Protocol required" to a REST command).
 */
export interface SigningStatus {
  /** The car refuses unsigned commands (true) or does not speak the protocol / does not need it (false). */
  required: boolean;
  /** What taught us: Tesla's `fleet_status`, or the car's answer to a command. */
  source: 'fleet_status' | 'command_answer';
  checkedAt: number;
}

/** Remembered per car between invocations (DynamoDB in AWS and locally). */
export interface SigningStatusStore {
  getSigningStatus(vin: string): Promise<SigningStatus | null>;
  putSigningStatus(vin: string, status: SigningStatus): Promise<void>;
}

export type Transport = 'signed' | 'rest';

/**
 * The transport for one command. Without a key (or an encoding) only REST is possible. With one, a car known to need
 * signing gets signed commands and a car known not to gets REST; a car we know nothing of is asked about (`ask`).
 */
export function chooseTransport(input: { canSign: boolean; status: SigningStatus | null }): Transport | 'ask' {
  if (!input.canSign) return 'rest';
  if (input.status === null) return 'ask';
  return input.status.required ? 'signed' : 'rest';
}
