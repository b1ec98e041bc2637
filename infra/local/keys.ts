import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerApiSecret } from '../../shared/secrets/api-secret';
import { FileCommandKeyStore, SecretsManagerCommandKeyStore } from '../../shared/secrets/command-key-stores';
import { commandKeyFromPem, generateCommandKeyPem } from '../../shared/vcp/command-key';

const USAGE = `npm run keys -- [--secret-id ARN] [--data-dir DIR] [--force]

Creates the app's P-256 key pair for signed commands. The private key goes only to the key store: the stack's
API secret (--secret-id, the ApiSecretArn stack output) or DATA_DIR/vehicle-command-key.pem (mode 600)
for \`npm start\`. Prints the public key, which the API serves at
/.well-known/appspecific/com.tesla.3p.public-key.pem. An existing key is kept unless --force: a new key must be
paired with every car again.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'secret-id': { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return console.log(USAGE);
  const store = values['secret-id']
    ? new SecretsManagerCommandKeyStore(new SecretsManagerApiSecret(new SecretsManagerClient({}), values['secret-id']))
    : new FileCommandKeyStore(join(values['data-dir'] ?? process.env.DATA_DIR ?? '.data', 'vehicle-command-key.pem'));
  const existing = await store.readPem();
  if (existing !== null && !values.force) {
    console.log('A key already exists; keeping it (use --force to replace it and pair every car again). Its public key:\n');
    return console.log(commandKeyFromPem(existing).publicKeyPem);
  }
  const pem = generateCommandKeyPem();
  await store.writePem(pem);
  console.log(`Created the vehicle command key. Public key:\n\n${commandKeyFromPem(pem).publicKeyPem}`);
  console.log('Next: register your domain with Tesla and pair it in the Tesla app: https://tesla.com/_ak/<your domain> (see README).');
}

main().catch((error: unknown) => {
  console.error(`keys failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
