import type { SSMClient } from '@aws-sdk/client-ssm';
import type { TelemetryReceiver } from '../domain/telemetry/configure-streaming';

/** Loaded on first use: only the streaming routes read it. */
const sdk = () => import('@aws-sdk/client-ssm');

/**
 * The deployed receiver: its host name (a deploy setting) and the CA its instance made on first boot, read from SSM
 * (a public certificate, not a secret). Null until the instance has written it; once found it is kept, as it only
 * changes when the owner renews the receiver's certificate (a new cold start then reads the new one).
 */
export function ssmReceiver(makeClient: (module: Awaited<ReturnType<typeof sdk>>) => SSMClient, hostname: string, caParameter: string) {
  let found: TelemetryReceiver | null = null;
  let client: SSMClient | null = null;
  return async (): Promise<TelemetryReceiver | null> => {
    if (found !== null) return found;
    const m = await sdk();
    client ??= makeClient(m);
    try {
      const out = await client.send(new m.GetParameterCommand({ Name: caParameter }), { abortSignal: AbortSignal.timeout(5_000) });
      const ca = out.Parameter?.Value;
      if (!ca) return null;
      found = { hostname, port: 443, ca };
      return found;
    } catch (error) {
      if (error instanceof m.ParameterNotFound) return null;
      throw error;
    }
  };
}
