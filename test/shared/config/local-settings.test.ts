import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../shared/config/config-error';
import { parseLambdaSettings } from '../../../shared/config/lambda-settings';
import { parseLocalSettings } from '../../../shared/config/local-settings';

describe('local settings', () => {
  it('has defaults that run the simulator', () => {
    const s = parseLocalSettings({}, '/home/me/logger');
    expect(s).toMatchObject({ port: 3000, dataDir: '/home/me/logger/.data', collectIntervalSeconds: 60, fleetApiUrl: undefined, apiToken: undefined });
  });

  it('points at the real Fleet API with Tesla auth by default', () => {
    const s = parseLocalSettings({ TESLA_FLEET_API_URL: 'https://fleet-api.prd.eu.vn.cloud.tesla.com/' }, '/x');
    expect(s.fleetApiUrl).toBe('https://fleet-api.prd.eu.vn.cloud.tesla.com');
    expect(s.authUrl).toBe('https://fleet-auth.prd.vn.cloud.tesla.com');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT must be a whole number'],
    [{ COLLECT_INTERVAL_SECONDS: '1' }, 'COLLECT_INTERVAL_SECONDS must be a whole number from 5'],
    [{ TESLA_FLEET_API_URL: 'fleet-api' }, 'TESLA_FLEET_API_URL must be an http(s) URL'],
    [{ TESLA_AUTH_URL: 'ftp://x' }, 'TESLA_AUTH_URL must be an http(s) URL'],
    [{ API_TOKEN: 'short' }, 'API_TOKEN must be 16 to 256 characters, each a letter, a digit or one of . _ ~ + / = - (got 5 characters)'],
    [{ ALLOWED_COMMANDS: 'door_lock,self_destruct' }, 'ALLOWED_COMMANDS names unknown entries: self_destruct; each entry must be one of wake_up, '],
  ])('rejects %o with one line naming the setting', (env, message) => {
    expect(() => parseLocalSettings(env, '/x')).toThrow(ConfigError);
    expect(() => parseLocalSettings(env, '/x')).toThrow(message);
  });

  it('never echoes a secret setting in its error', () => {
    const secret = 'has spaces in the secret value';
    expect(() => parseLocalSettings({ TESLA_REFRESH_TOKEN: secret }, '/x')).toThrow(/TESLA_REFRESH_TOKEN/);
    const error = (() => {
      try {
        parseLocalSettings({ TESLA_CLIENT_SECRET: secret }, '/x');
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('TESLA_CLIENT_SECRET');
    expect(error!.message).not.toContain(secret);
  });
});

describe('lambda settings', () => {
  it('requires what CDK sets', () => {
    expect(() => parseLambdaSettings({})).toThrow('TABLE_NAME must be set');
    const s = parseLambdaSettings({ TABLE_NAME: 't', TESLA_SECRET_ID: 's', API_SECRET_ID: 'a', ALLOWED_COMMANDS: 'door_lock' });
    expect(s.fleetApiUrl).toBe('https://fleet-api.prd.na.vn.cloud.tesla.com');
    expect([...s.allowedCommands]).toEqual(['door_lock']);
  });
});
