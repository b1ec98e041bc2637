import type { SsmParameters } from './ssm-parameters';
import { formatVins, parseVins } from './vin-allowlist';

/**
 * The receiver's VIN allowlist in its SSM parameter (see vin-allowlist.ts): written by the API, read by the bridge.
 * `read` gives null when the parameter does not exist yet.
 */
export function ssmVinList(parameters: SsmParameters, parameter: string) {
  return {
    read: async (): Promise<string[] | null> => {
      const value = await parameters.get(parameter);
      return value === null ? null : parseVins(value);
    },
    write: (vins: readonly string[]): Promise<void> => parameters.put(parameter, formatVins(vins)),
  };
}
