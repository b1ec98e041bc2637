import { FLEET_API_HOSTS, TESLA_AUTH_URL } from '../domain/fleet-regions';
import { SettingsReader, type Env } from './settings-reader';
import { readTunables, type Tunables } from './tunables';

/** What every function reads from its environment at cold start. CDK sets all of these. */
export interface LambdaSettings extends Tunables {
  tableName: string;
  teslaSecretId: string;
  /** The API secret: API token and vehicle command key (read by the API only). */
  apiSecretId: string;
  fleetApiUrl: string;
  /** The owner set the region in the stack's config: it wins over the token's claims and learnt 421s. */
  fleetApiUrlFixed: boolean;
  authUrl: string;
  /** Where the API puts automations' schedules (EventBridge Scheduler); absent in functions that do not. */
  automations: { groupName: string; runnerArn: string; roleArn: string; deadLetterArn: string } | null;
  /** The SNS topic that e-mails notifications (the stack's notifyEmail); null: no e-mail channel. */
  notifyTopicArn: string | null;
  /** The streaming receiver (telemetryHostName) and the SSM parameter its CA is in; null: streaming is off. */
  receiver: { hostname: string; caParameter: string; vinsParameter?: string } | null;
}

export function parseLambdaSettings(env: Env): LambdaSettings {
  const read = new SettingsReader(env);
  return {
    tableName: read.required('TABLE_NAME'),
    teslaSecretId: read.required('TESLA_SECRET_ID'),
    apiSecretId: read.required('API_SECRET_ID'),
    fleetApiUrl: read.url('TESLA_FLEET_API_URL', FLEET_API_HOSTS.na)!,
    fleetApiUrlFixed: read.bool('TESLA_REGION_FIXED', false),
    authUrl: read.url('TESLA_AUTH_URL', TESLA_AUTH_URL)!,
    ...readTunables(read),
    automations:
      read.optional('AUTOMATION_GROUP') === undefined
        ? null
        : {
            groupName: read.required('AUTOMATION_GROUP'),
            runnerArn: read.required('AUTOMATION_RUNNER_ARN'),
            roleArn: read.required('AUTOMATION_ROLE_ARN'),
            deadLetterArn: read.required('AUTOMATION_DLQ_ARN'),
          },
    notifyTopicArn: read.optional('NOTIFY_TOPIC_ARN') ?? null,
    receiver:
      read.optional('RECEIVER_HOST') === undefined
        ? null
        : {
            hostname: read.required('RECEIVER_HOST'),
            caParameter: read.required('RECEIVER_CA_PARAMETER'),
            // The API's only: the collector just needs to know streaming is on.
            ...(read.optional('RECEIVER_VINS_PARAMETER') !== undefined ? { vinsParameter: read.required('RECEIVER_VINS_PARAMETER') } : {}),
          },
  };
}

/** The rotation function needs only Tesla's hosts: the secret arrives in each rotation event. */
export interface RotationSettings {
  fleetApiUrl: string;
  authUrl: string;
}

export function parseRotationSettings(env: Env): RotationSettings {
  const read = new SettingsReader(env);
  return {
    fleetApiUrl: read.url('TESLA_FLEET_API_URL', FLEET_API_HOSTS.na)!,
    authUrl: read.url('TESLA_AUTH_URL', TESLA_AUTH_URL)!,
  };
}
