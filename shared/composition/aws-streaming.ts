import type { ApiDeps } from '../http/api-deps';
import { ssmParameters } from '../receiver/ssm-parameters';
import { ssmReceiver } from '../receiver/ssm-receiver';
import { ssmVinList } from '../receiver/ssm-vin-list';
import type { CommandKey } from '../vcp/command-key';
import { signTeslaJws } from '../vcp/tesla-jws';
import type { buildAwsDeps } from './aws';

/** The streaming routes' adapters in AWS: Tesla's telemetry endpoints, the receiver from SSM, the app's key. */
export function awsStreaming(
  aws: ReturnType<typeof buildAwsDeps>,
  receiver: { hostname: string; caParameter: string; vinsParameter?: string },
  commandKey: () => Promise<CommandKey | null>,
): NonNullable<ApiDeps['streaming']> {
  const parameters = ssmParameters((ssm) => new ssm.SSMClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 }, maxAttempts: 2 }));
  return {
    telemetry: aws.fleet,
    receiver: ssmReceiver(parameters, receiver.hostname, receiver.caParameter),
    ...(receiver.vinsParameter !== undefined ? { allowlist: ssmVinList(parameters, receiver.vinsParameter).write } : {}),
    watch: aws.streamStates,
    activity: async (vin) => {
      const [state, watch] = await Promise.all([aws.streamStates.getStreamState(vin), aws.streamStates.getStreamWatch(vin)]);
      return { lastRecordAt: state?.at ?? null, connection: watch?.connection ?? null };
    },
    signer: async () => {
      const key = await commandKey();
      return key === null ? null : (claims) => signTeslaJws(key, claims);
    },
  };
}
