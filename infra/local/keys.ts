import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerApiSecret } from '../../shared/secrets/api-secret';
import { FileCommandKeyStore, SecretsManagerCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { commandKeyFromPem, generateCommandKeyPem } from '../../shared/vcp/command-key';
import { dataDirOf, dataFile, runningSimulator } from './data-files';

const USAGE = `npm run keys -- [--secret-id ARN] [--data-dir DIR] [--force]

Creates the app's P-256 key pair for signed commands. The private key goes only to the key store: the stack's
API secret (--secret-id, the ApiSecretArn stack output) or DATA_DIR/vehicle-command-key.pem (mode 600)
for \`npm start\`. Prints the public key, which the API serves at
/.well-known/appspecific/com.tesla.3p.public-key.pem. An existing key is kept unless --force: a new key must be
paired with every car again.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'secret-id': { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) return console.log(USAGE);
  const store = values['secret-id']
    ? new SecretsManagerCommandKeyStore(new SecretsManagerApiSecret(new SecretsManagerClient({}), values['secret-id']))
    : new FileCommandKeyStore(dataFile(dataDirOf(values['data-dir']), 'commandKey'));
  const existing = await store.readPem();
  if (existing !== null && !values.force) {
    console.log('A key already exists; keeping it (use --force to replace it and pair every car again). Its public key:\n');
    console.log(commandKeyFromPem(existing).publicKeyPem);
  } else {
    const pem = generateCommandKeyPem();
    await store.writePem(pem);
    console.log(`Created the vehicle command key. Public key:\n\n${commandKeyFromPem(pem).publicKeyPem}`);
  }
  console.log(await nextStep(values['secret-id'] !== undefined, dataDirOf(values['data-dir'])));
}

/** What the owner does next: pair the key with the cars, on the simulator's page locally or Tesla's for real cars. */
async function nextStep(deployed: boolean, dataDir: string): Promise<string> {
  const tesla =
    'register your domain with Tesla (`npm run register-domain`), then open https://tesla.com/_ak/<your domain> on your phone and add the key to each car (see docs/fleet-api-setup.md)';
  if (deployed) return `Next: ${tesla}.`;
  const sim = await runningSimulator(dataDir);
  if (sim === null) return `Next: with the simulated cars, start \`npm start\` and open the pairing page it prints; with a real car, ${tesla}.`;
  const domain = new URL(sim.apiUrl).host;
  return `Next: pair the key with the simulated cars, as an owner does at https://tesla.com/_ak/<your domain>:\n  open ${sim.fleetApiUrl}/_ak/${domain} and press "Add key"\n  (it fetches the public key from ${sim.apiUrl}/.well-known/appspecific/com.tesla.3p.public-key.pem).`;
}

main().catch((error: unknown) => {
  console.error(`keys failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
