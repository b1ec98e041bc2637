import type { SSMClient } from '@aws-sdk/client-ssm';
import { formatVins, parseVins } from './vin-allowlist';

/** Loaded on first use: of the API's routes, only the streaming ones write the list. */
const sdk = () => import('@aws-sdk/client-ssm');
const DEADLINE_MS = 5_000;

/**
 * The receiver's VIN allowlist in its SSM parameter (see vin-allowlist.ts): written by the API, read by the bridge.
 * `read` gives null when the parameter does not exist yet.
 */
export function ssmVinList(makeClient: (module: Awaited<ReturnType<typeof sdk>>) => SSMClient, parameter: string) {
  let client: SSMClient | null = null;
  const connect = async () => {
    const m = await sdk();
    client ??= makeClient(m);
    return { m, client };
  };
  return {
    read: async (): Promise<string[] | null> => {
      const { m, client } = await connect();
      try {
        const out = await client.send(new m.GetParameterCommand({ Name: parameter }), { abortSignal: AbortSignal.timeout(DEADLINE_MS) });
        return parseVins(out.Parameter?.Value ?? '-');
      } catch (error) {
        if (error instanceof m.ParameterNotFound) return null;
        throw error;
      }
    },
    write: async (vins: readonly string[]): Promise<void> => {
      const { m, client } = await connect();
      await client.send(new m.PutParameterCommand({ Name: parameter, Type: 'String', Value: formatVins(vins), Overwrite: true }), {
        abortSignal: AbortSignal.timeout(DEADLINE_MS),
      });
    },
  };
}
