import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseDeployConfig } from '../../../infra/cdk/deploy-config';
import { SETTINGS_DOC, withTunablesTable } from '../../../infra/docs/settings-table';
import { parseLambdaSettings } from '../../../shared/config/lambda-settings';
import { parseLocalSettings } from '../../../shared/config/local-settings';
import { TUNABLES, tunablesEnvironment, type TunableName } from '../../../shared/config/tunables';

const LAMBDA_ENV = { TABLE_NAME: 't', TESLA_SECRET_ID: 's', API_SECRET_ID: 'a' };

describe('the tuned settings, defined once', () => {
  it('the docs’ table is the catalogue’s (npm run docs:settings rewrites it)', () => {
    const doc = readFileSync(SETTINGS_DOC, 'utf8');
    expect(doc).toBe(withTunablesTable(doc));
  });

  it('a deploy config reaches the functions as the very values the local host reads from the same variables', () => {
    const config = parseDeployConfig({
      drivingIntervalMinutes: 3,
      monthlyBudgetUsd: 25,
      pricePerKwh: 0.31,
      includeLocation: true,
      allowedCommands: 'honk_horn,flash_lights',
      listCallPricePer1000Usd: 2,
      asleepListIntervalMinutes: 15,
      snapshotRetentionDays: 90,
      mapTileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    });
    const env = tunablesEnvironment(config);
    const lambda = parseLambdaSettings({ ...LAMBDA_ENV, ...env });
    const local = parseLocalSettings(env, '/tmp');
    for (const name of Object.keys(TUNABLES) as TunableName[]) {
      expect([name, lambda[name]]).toEqual([name, local[name]]);
      const configured = config[name];
      expect([name, lambda[name]]).toEqual([name, Array.isArray(configured) ? new Set(configured) : configured]);
    }
  });

  it('the defaults are the same in a deploy config, a function and the local host', () => {
    const config = parseDeployConfig(undefined);
    const lambda = parseLambdaSettings({ ...LAMBDA_ENV, ...tunablesEnvironment(config) });
    const local = parseLocalSettings({}, '/tmp');
    for (const name of Object.keys(TUNABLES) as TunableName[]) expect([name, lambda[name]]).toEqual([name, local[name]]);
  });

  it('each limit is refused alike in the deploy config and the environment, naming the setting', () => {
    expect(() => parseDeployConfig({ drivingIntervalMinutes: 15 })).toThrow(/config\.drivingIntervalMinutes/);
    expect(() => parseLocalSettings({ DRIVING_INTERVAL_MINUTES: '15' }, '/tmp')).toThrow(/DRIVING_INTERVAL_MINUTES must be a whole number from 1 to 14/);
    expect(() => parseDeployConfig({ drivingIntervalMinutes: 14, monthlyBudgetUsd: 10_001 })).toThrow(/config\.monthlyBudgetUsd/);
  });
});
