import type { TelemetryConfigStatus, TelemetryError } from './telemetry-config';

/**
 * Whether a car streams to this deployment's receiver, told from its configuration and the errors it reported, with
 * what the owner can do. Each problem is one the owner can act on; none means the car is configured, in line, and
 * reported nothing wrong (it may still be silent: the receiver's own last-record time tells that).
 */
export interface TelemetryHealth {
  vin: string;
  ok: boolean;
  problems: TelemetryProblem[];
  /** When the car's configuration for this deployment's receiver ends (ISO 8601); null when it has none. */
  expiresAt: string | null;
}

export interface TelemetryProblem {
  code: 'not_configured' | 'limit_reached' | 'other_receiver' | 'expired' | 'expires_soon' | 'not_synced' | 'key_not_paired' | 'car_reported_errors';
  message: string;
  action: string;
}

/** A configuration expiring within this is renewed (the car stops streaming at `exp`). */
export const RENEW_BEFORE_MS = 30 * 86_400_000;

export function telemetryHealth(
  vin: string,
  status: TelemetryConfigStatus,
  errors: readonly TelemetryError[],
  receiver: { hostname: string; port: number },
  now: number,
): TelemetryHealth {
  const problems: TelemetryProblem[] = [];
  const config = status.config;
  if (status.keyPaired === false)
    problems.push({
      code: 'key_not_paired',
      message: 'the app’s key is not paired with the car, so it will not take a configuration signed with it',
      action: 'pair the key from the Tesla app (the pairing link `npm run doctor` prints), then configure streaming again',
    });
  if (config === null && status.limitReached)
    problems.push({
      code: 'limit_reached',
      message: 'the car already streams to as many third-party apps as it accepts, so Tesla dropped this one’s configuration',
      action: 'remove streaming from another app the car is shared with (or its access), then configure streaming again',
    });
  else if (config === null)
    problems.push({ code: 'not_configured', message: 'the car has no streaming configuration for this app', action: 'configure streaming for it' });
  if (config !== null && (config.hostname !== receiver.hostname || config.port !== receiver.port))
    problems.push({
      code: 'other_receiver',
      message: `the car streams to ${config.hostname}:${config.port}, not to this deployment’s receiver`,
      action: 'configure streaming again from this deployment',
    });
  if (config !== null && config.exp * 1000 <= now)
    problems.push({ code: 'expired', message: 'the car’s streaming configuration has expired: it streams nothing', action: 'configure streaming again' });
  else if (config !== null && config.exp * 1000 - now < RENEW_BEFORE_MS)
    problems.push({
      code: 'expires_soon',
      message: `the car’s streaming configuration expires on ${new Date(config.exp * 1000).toISOString().slice(0, 10)}`,
      action: 'configure streaming again before then',
    });
  if (config !== null && !status.synced)
    problems.push({
      code: 'not_synced',
      message: 'the car does not run this configuration yet',
      action: 'wait: a car takes it when next online, up to about 25 minutes later',
    });
  if (errors.length > 0)
    problems.push({
      code: 'car_reported_errors',
      message: `the car reported: ${[...new Set(errors.map((e) => `${e.name}${e.error ? ` (${e.error.slice(0, 120)})` : ''}`))].slice(0, 3).join('; ')}`,
      action: /certificate|tls|x509/i.test(errors.map((e) => `${e.name} ${e.error}`).join(' '))
        ? 'the car refused the receiver’s certificate: check that the configuration’s CA signed it and that the name matches the hostname'
        : 'see the receiver’s logs at that time',
    });
  const ours = config !== null && config.hostname === receiver.hostname && config.port === receiver.port;
  return { vin, ok: problems.length === 0, problems, expiresAt: ours ? new Date(config.exp * 1000).toISOString() : null };
}
