import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PartnerRegistrationError, registerPartnerDomain } from '../../../shared/tesla/partner-registration';
import { commandKeyFromPem, generateCommandKeyPem } from '../../../shared/vcp/command-key';

const AUTH = 'https://fleet-auth.prd.vn.cloud.tesla.com';
const EU = 'https://fleet-api.prd.eu.vn.cloud.tesla.com';
const DOMAIN = 'tesla.example.com';
const SECRET = 'client-secret-never-shown';
const JSON_HEADERS = { headers: { 'content-type': 'application/json' } };
let agent: MockAgent;
const register = () => registerPartnerDomain({ authUrl: AUTH, fleetApiUrl: EU, clientId: 'cid', clientSecret: SECRET, domain: DOMAIN, dispatcher: agent });

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

describe('registering the app domain with Tesla', () => {
  it('checks the served key, gets a partner token for the region, registers the domain and reads back the key', async () => {
    const pem = commandKeyFromPem(generateCommandKeyPem()).publicKeyPem;
    const seen: { form?: URLSearchParams; body?: unknown; auth: string[] } = { auth: [] };
    agent.get(`https://${DOMAIN}`).intercept({ path: '/.well-known/appspecific/com.tesla.3p.public-key.pem', method: 'GET' }).reply(200, pem);
    agent
      .get(AUTH)
      .intercept({ path: '/oauth2/v3/token', method: 'POST', body: (b) => ((seen.form = new URLSearchParams(b)), true) })
      .reply(200, JSON.stringify({ access_token: 'partner-token', expires_in: 28800, token_type: 'Bearer' }), JSON_HEADERS);
    const tesla = agent.get(EU);
    const auth = (h: Record<string, string>) => (seen.auth.push(h.authorization ?? ''), true);
    tesla
      .intercept({ path: '/api/1/partner_accounts', method: 'POST', headers: auth, body: (b) => ((seen.body = JSON.parse(b)), true) })
      .reply(200, '{"response":{}}', JSON_HEADERS);
    tesla
      .intercept({ path: `/api/1/partner_accounts/public_key?domain=${DOMAIN}`, method: 'GET', headers: auth })
      .reply(200, '{"response":{"public_key":"04abcd"}}', JSON_HEADERS);

    await expect(register()).resolves.toEqual({ publicKey: '04abcd' });
    expect(Object.fromEntries(seen.form!)).toMatchObject({ grant_type: 'client_credentials', client_id: 'cid', client_secret: SECRET, audience: EU });
    expect(seen.form!.get('scope')).toContain('vehicle_cmds');
    expect(seen.body).toEqual({ domain: DOMAIN });
    expect(new Set(seen.auth)).toEqual(new Set(['Bearer partner-token'])); // both Fleet calls carry the partner token
  });

  it('stops before calling Tesla when the domain does not serve the key yet', async () => {
    agent
      .get(`https://${DOMAIN}`)
      .intercept({ path: '/.well-known/appspecific/com.tesla.3p.public-key.pem', method: 'GET' })
      .reply(404, '{"error":{"code":"not_found"}}');
    const error = await register().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerRegistrationError);
    expect((error as Error).message).toMatch(/answered 404 without a public key.*npm run keys/);
  });

  it('passes on Tesla’s refusal in its own words, never the client secret', async () => {
    agent
      .get(`https://${DOMAIN}`)
      .intercept({ path: '/.well-known/appspecific/com.tesla.3p.public-key.pem', method: 'GET' })
      .reply(200, commandKeyFromPem(generateCommandKeyPem()).publicKeyPem);
    agent
      .get(AUTH)
      .intercept({ path: '/oauth2/v3/token', method: 'POST' })
      .reply(401, '{"error":"invalid_client","error_description":"client authentication failed"}', JSON_HEADERS);
    const error = await register().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/partner token \(401\): invalid_client: client authentication failed/);
    expect((error as Error).message).not.toContain(SECRET);
  });
});
