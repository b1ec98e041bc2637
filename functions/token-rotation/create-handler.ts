import middy from '@middy/core';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../../shared/domain/clock';
import { LoginRequiredError } from '../../shared/domain/fleet-errors';
import type { Log } from '../../shared/domain/stores';
import { rotate, type RotationEvent } from '../../shared/secrets/secrets-manager-rotation';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import type { OAuthClient } from '../../shared/tokens/ports';

/** How a failed rotation is made visible beyond the log line: a metric the stack alarms on. */
export interface RotationSignals {
  failed(kind: 'login_required' | 'other'): void;
}

export interface RotationHandlerDeps {
  client: SecretsManagerClient;
  oauth: OAuthClient;
  clock: Clock;
  log: Log;
  signals: RotationSignals;
  /** Used when the bundle does not name its Fleet API host. */
  fleetApiUrl: string;
}

/** The Secrets Manager rotation function for the Tesla token bundle. */
export function createRotationHandler(deps: RotationHandlerDeps) {
  return middy<RotationEvent, void>().handler(async (event) => {
    deps.log.info('token rotation step', { step: event.Step });
    try {
      await rotate(event, {
        client: deps.client,
        oauth: deps.oauth,
        clock: deps.clock,
        log: deps.log,
        testAccessToken: async (bundle) => {
          // A free call with the pending token; a rejection fails the step and leaves AWSCURRENT untouched.
          const fleet = new UndiciFleetApi({
            baseUrl: bundle.fleetApiBaseUrl ?? deps.fleetApiUrl,
            tokens: {
              get: () => Promise.resolve(bundle.accessToken ?? ''),
              renewAfterRejection: () => Promise.reject(new Error('the pending access token was rejected')),
            },
          });
          await fleet.listVehicles();
        },
      });
    } catch (error) {
      const lost = error instanceof LoginRequiredError;
      deps.signals.failed(lost ? 'login_required' : 'other');
      deps.log.error(lost ? 'tesla login lost: the owner must sign in again (npm run login)' : 'token rotation failed', {
        step: event.Step,
        code: lost ? 'tesla_login_required' : 'token_rotation_failed',
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
      });
      throw error;
    }
  });
}
