import { join } from 'node:path';
import { readIfExists } from '../../shared/secrets/owner-only-file';

/**
 * What `npm start` and the local scripts keep in DATA_DIR (default ./.data), each owner-readable only. One list,
 * so the scripts (`login`, `keys`, `api-token`) find what the running host uses without loading it.
 */
export const DATA_FILES = {
  /** The owner's API token, made on first start. */
  apiToken: 'api-token',
  /** Hashes of read-only API tokens. */
  readTokens: 'read-tokens.json',
  /** The app's private key for signed commands (`npm run keys`). */
  commandKey: 'vehicle-command-key.pem',
  /** Tesla tokens for a real account (`npm run login`). */
  teslaTokens: 'tesla-tokens.json',
  /** Tesla tokens for the built-in simulator (a new chain every start, or `npm run login -- --simulator`). */
  simTeslaTokens: 'sim-tesla-tokens.json',
  /** Which keys the owner paired with which simulated car (kept across restarts, as a car keeps them). */
  simPairings: 'sim-pairings.json',
  /** How far the local database had got at the last collector pass (see data-checkpoint). */
  dataCheckpoint: 'dynamodb-checkpoint.json',
  /** Where the running host's simulator and API listen, while it runs. */
  simulator: 'simulator.json',
} as const;

export function dataDirOf(flag: string | undefined): string {
  return flag ?? process.env.DATA_DIR ?? '.data';
}

export function dataFile(dataDir: string, file: keyof typeof DATA_FILES): string {
  return join(dataDir, DATA_FILES[file]);
}

/** What DATA_DIR/simulator.json holds while `npm start` runs the simulator. */
export interface RunningSimulator {
  /** The simulated Fleet API, which also serves the OAuth pages and /_ak/<domain>. */
  fleetApiUrl: string;
  /** The local API (whose domain the pairing page fetches the public key from). */
  apiUrl: string;
  pid: number;
}

/** The running host's simulator, or null when none runs (no file, or its process is gone). */
export async function runningSimulator(dataDir: string): Promise<RunningSimulator | null> {
  const text = await readIfExists(dataFile(dataDir, 'simulator'));
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as RunningSimulator;
    process.kill(value.pid, 0);
    return value;
  } catch {
    return null;
  }
}
