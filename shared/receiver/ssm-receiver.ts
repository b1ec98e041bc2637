import type { TelemetryReceiver } from '../domain/telemetry/configure-streaming';
import type { SsmParameters } from './ssm-parameters';

/**
 * The deployed receiver: its host name (a deploy setting) and the CA its instance made on first boot, read from SSM
 * (a public certificate, not a secret). Null until the instance has written it; once found it is kept, as it only
 * changes when the owner renews the receiver's certificate (a new cold start then reads the new one).
 */
export function ssmReceiver(parameters: SsmParameters, hostname: string, caParameter: string) {
  let found: TelemetryReceiver | null = null;
  return async (): Promise<TelemetryReceiver | null> => {
    if (found !== null) return found;
    const ca = await parameters.get(caParameter);
    if (!ca) return null;
    found = { hostname, port: 443, ca };
    return found;
  };
}
