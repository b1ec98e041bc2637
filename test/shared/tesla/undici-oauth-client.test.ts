import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LoginRequiredError, UnexpectedFleetResponseError } from '../../../shared/domain/fleet-errors';
import { UndiciOAuthClient } from '../../../shared/tesla/undici-oauth-client';
import { teslaFixture } from '../../support/fixtures';

const AUTH = 'https://fleet-auth.prd.vn.cloud.tesla.com';
let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

describe('UndiciOAuthClient', () => {
  it('posts a refresh_token grant and reads the real token answer', async () => {
    let sent = '';
    agent
      .get(AUTH)
      .intercept({ path: '/oauth2/v3/token', method: 'POST', body: (b) => ((sent = b), true) })
      .reply(200, teslaFixture('token_response.timdorr-auth-v3-refresh_token-redacted.json'), { headers: { 'content-type': 'application/json' } });
    const grant = await new UndiciOAuthClient({ authUrl: AUTH, dispatcher: agent }).refresh({ clientId: 'cid', refreshToken: 'rt-old' });
    expect(grant).toEqual({ accessToken: 'acess', refreshToken: '<TESLA_REFRESH_TOKEN>', expiresInSeconds: 28800, scopes: null });
    expect(Object.fromEntries(new URLSearchParams(sent))).toEqual({ grant_type: 'refresh_token', client_id: 'cid', refresh_token: 'rt-old' });
  });

  it('says login_required when the chain is lost, without echoing the refresh token', async () => {
    agent
      .get(AUTH)
      .intercept({ path: '/oauth2/v3/token', method: 'POST' })
      .reply(401, '{"error":"login_required","error_description":"The refresh_token is invalid"}');
    const error = await new UndiciOAuthClient({ authUrl: AUTH, dispatcher: agent })
      .refresh({ clientId: 'cid', refreshToken: 'rt-secret-value' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect((error as Error).message).not.toContain('rt-secret-value');
  });

  it('rejects a 200 without tokens', async () => {
    agent.get(AUTH).intercept({ path: '/oauth2/v3/token', method: 'POST' }).reply(200, '{"access_token":"x"}');
    await expect(new UndiciOAuthClient({ authUrl: AUTH, dispatcher: agent }).refresh({ clientId: 'c', refreshToken: 'r' })).rejects.toBeInstanceOf(
      UnexpectedFleetResponseError,
    );
  });
});
