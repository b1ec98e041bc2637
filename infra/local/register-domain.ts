import { parseArgs } from 'node:util';
import { ConfigError } from '../../shared/config/config-error';
import { SettingsReader } from '../../shared/config/settings-reader';
import { HOST_NAME } from '../../shared/domain/host-name';
import { registerPartnerDomain } from '../../shared/tesla/partner-registration';
import { FLEET_API_HOSTS, TESLA_AUTH_URL, type FleetRegion } from '../../shared/domain/fleet-regions';

const USAGE = `npm run register-domain -- --domain DOMAIN [--region na|eu|cn]

Registers the app's domain with Tesla for one region (once per region, before the first signed command). The domain
must already serve the public key: deploy with customDomainName and run npm run keys first. Uses your Tesla app's
credentials from TESLA_CLIENT_ID and TESLA_CLIENT_SECRET (or --client-id, --client-secret); prints no secret.

  --domain DOMAIN       the API's custom domain, e.g. tesla.example.com
  --region na|eu|cn     the Fleet API region to register in (default na)
  --auth-url URL        token host (default ${TESLA_AUTH_URL})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      domain: { type: 'string' },
      region: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'auth-url': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const env = new SettingsReader({
    ...process.env,
    ...(values['client-id'] ? { TESLA_CLIENT_ID: values['client-id'] } : {}),
    ...(values['client-secret'] ? { TESLA_CLIENT_SECRET: values['client-secret'] } : {}),
  });
  const domain = (values.domain ?? '').toLowerCase();
  if (!HOST_NAME.test(domain)) throw new ConfigError('--domain', 'must be a host name such as tesla.example.com');
  const region = (values.region ?? 'na') as FleetRegion;
  if (!(region in FLEET_API_HOSTS)) throw new ConfigError('--region', 'must be na, eu or cn');

  const { publicKey } = await registerPartnerDomain({
    authUrl: values['auth-url'] ?? TESLA_AUTH_URL,
    fleetApiUrl: FLEET_API_HOSTS[region],
    clientId: env.required('TESLA_CLIENT_ID'),
    clientSecret: env.required('TESLA_CLIENT_SECRET'),
    domain,
  });
  console.log(`Registered ${domain} with Tesla (${region}).`);
  if (publicKey) console.log(`Tesla holds this public key for it: ${publicKey}`);
  console.log(`Next: pair the key with each car at https://tesla.com/_ak/${domain} (Tesla app, near the car).`);
}

main().catch((error: unknown) => {
  console.error(`register-domain failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
