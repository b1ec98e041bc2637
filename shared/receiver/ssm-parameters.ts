import type { SSMClient } from '@aws-sdk/client-ssm';

/** Loaded on first use: of the API's routes, only the streaming ones reach SSM. */
const sdk = () => import('@aws-sdk/client-ssm');
export type SsmModule = Awaited<ReturnType<typeof sdk>>;
const DEADLINE_MS = 5_000;

export interface SsmParameters {
  /** The parameter's value, or null when it does not exist (yet). */
  get(name: string): Promise<string | null>;
  /** Writes a String parameter, replacing its value. */
  put(name: string, value: string): Promise<void>;
}

/** SSM parameters through one client, made (the SDK loaded) on first use; each call ends within 5 s. */
export function ssmParameters(makeClient: (module: SsmModule) => SSMClient): SsmParameters {
  let client: SSMClient | null = null;
  const connect = async () => {
    const m = await sdk();
    client ??= makeClient(m);
    return { m, client };
  };
  return {
    get: async (name) => {
      const { m, client } = await connect();
      try {
        const out = await client.send(new m.GetParameterCommand({ Name: name }), { abortSignal: AbortSignal.timeout(DEADLINE_MS) });
        return out.Parameter?.Value ?? null;
      } catch (error) {
        if (error instanceof m.ParameterNotFound) return null;
        throw error;
      }
    },
    put: async (name, value) => {
      const { m, client } = await connect();
      await client.send(new m.PutParameterCommand({ Name: name, Type: 'String', Value: value, Overwrite: true }), {
        abortSignal: AbortSignal.timeout(DEADLINE_MS),
      });
    },
  };
}
