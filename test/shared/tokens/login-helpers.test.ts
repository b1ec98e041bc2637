import { describe, expect, it } from '@jest/globals';
import { fleetApiBaseUrlOf, readAccessTokenClaims } from '../../../shared/tokens/token-claims';
import { authorizeUrl, codeFromRedirect, LoginFlowError } from '../../../shared/tokens/authorization-code';
import { bundleFromGrant } from '../../../shared/tokens/token-refresh';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('access token claims', () => {
  it('finds the region from ou_code, else from a Fleet host in the audience', () => {
    expect(fleetApiBaseUrlOf(readAccessTokenClaims(jwt({ ou_code: 'EU' }))!)).toBe('https://fleet-api.prd.eu.vn.cloud.tesla.com');
    expect(fleetApiBaseUrlOf(readAccessTokenClaims(jwt({ aud: ['https://auth.tesla.com/', 'https://fleet-api.prd.cn.vn.cloud.tesla.cn/'] }))!)).toBe(
      'https://fleet-api.prd.cn.vn.cloud.tesla.cn',
    );
    expect(fleetApiBaseUrlOf(readAccessTokenClaims(jwt({ ou_code: 'XX', aud: 'https://evil.example' }))!)).toBeNull();
    expect(readAccessTokenClaims('opaque-token')).toBeNull();
    expect(readAccessTokenClaims('a.%%%.c')).toBeNull();
  });

  it('fills region and scopes from the claims only where the bundle does not already know them', () => {
    const grant = { accessToken: jwt({ ou_code: 'EU', scp: ['openid', 'offline_access'] }), refreshToken: 'r', expiresInSeconds: 100, scopes: null };
    expect(bundleFromGrant({ clientId: 'c' }, grant, 0)).toMatchObject({
      fleetApiBaseUrl: 'https://fleet-api.prd.eu.vn.cloud.tesla.com',
      scopes: ['openid', 'offline_access'],
      accessTokenExpiresAt: 100_000,
    });
    expect(bundleFromGrant({ clientId: 'c', fleetApiBaseUrl: 'https://fleet-api.prd.na.vn.cloud.tesla.com' }, grant, 0).fleetApiBaseUrl).toBe(
      'https://fleet-api.prd.na.vn.cloud.tesla.com',
    );
  });
});

describe('authorization code helpers', () => {
  it('builds the authorize URL with the scopes and state', () => {
    const url = new URL(
      authorizeUrl({
        authorizeUrl: 'https://auth.tesla.com/oauth2/v3/authorize',
        clientId: 'cid',
        redirectUri: 'http://localhost:8765/callback',
        scopes: ['openid', 'offline_access'],
        state: 's1',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'http://localhost:8765/callback',
      scope: 'openid offline_access',
      state: 's1',
    });
  });

  it('takes the code from the redirect URL only with the right state, or a bare code', () => {
    expect(codeFromRedirect('http://localhost:8765/callback?code=NA_abc&state=s1', 's1')).toBe('NA_abc');
    expect(codeFromRedirect('  NA_abc123  ', 's1')).toBe('NA_abc123');
    expect(() => codeFromRedirect('http://localhost:8765/callback?code=x&state=other', 's1')).toThrow(LoginFlowError);
    expect(() => codeFromRedirect('http://localhost:8765/callback?error=access_denied&state=s1', 's1')).toThrow(/access_denied/);
    expect(() => codeFromRedirect('not a code!', 's1')).toThrow(LoginFlowError);
  });
});
