import middy from '@middy/core';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseRotationSettings } from '../../shared/config/lambda-settings';
import { systemClock } from '../../shared/domain/clock';
import { log } from '../../shared/logger';
import { rotate, type RotationEvent } from '../../shared/secrets/secrets-manager-rotation';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';

const settings = parseRotationSettings(process.env);
const client = new SecretsManagerClient({});
const oauth = new UndiciOAuthClient({ authUrl: settings.authUrl });

export const handler = middy<RotationEvent, void>().handler(async (event) => {
  log.info('token rotation step', { step: event.Step });
  await rotate(event, {
    client,
    oauth,
    clock: systemClock,
    log,
    testAccessToken: async (bundle) => {
      // A free call with the pending token; a 401 here fails the step and leaves AWSCURRENT untouched.
      const rejected = (): Promise<string> => Promise.reject(new Error('the pending access token was rejected'));
      const fleet = new UndiciFleetApi({
        baseUrl: bundle.fleetApiBaseUrl ?? settings.fleetApiUrl,
        tokens: { get: () => Promise.resolve(bundle.accessToken ?? ''), renewAfterRejection: rejected },
      });
      await fleet.listVehicles();
    },
  });
});
