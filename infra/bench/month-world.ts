import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MINUTE_MS } from '../../shared/domain/clock';
import { DynamoDbBillingStore } from '../../shared/store/dynamodb-billing-store';
import { DynamoDbHistoryStore } from '../../shared/store/dynamodb-history-store';
import { DynamoDbStores } from '../../shared/store/dynamodb-stores';
import { UndiciFleetApi } from '../../shared/tesla/undici-fleet-api';
import { UndiciOAuthClient } from '../../shared/tesla/undici-oauth-client';
import type { TokenStore } from '../../shared/tokens/ports';
import { StoredAccessTokens } from '../../shared/tokens/stored-access-tokens';
import { READER_TOKEN_CACHE_MS, type TokenBundle } from '../../shared/tokens/token-bundle';
import { InProcessTokenRenewer } from '../../shared/tokens/token-refresh';
import { startLocalDynamo } from '../local/dynalite-server';
import type { DriveProfile } from '../simulator/drive-profile';
import { FleetSimulator, SIM_CLIENT_ID } from '../simulator/fleet-simulator';
import { SimClock } from '../simulator/sim-clock';
import { countDynamo } from './dynamo-counter';

class MemoryTokenStore implements TokenStore {
  constructor(private bundle: TokenBundle) {}
  read(): Promise<TokenBundle | null> {
    return Promise.resolve(this.bundle);
  }
  write(bundle: TokenBundle): Promise<void> {
    this.bundle = bundle;
    return Promise.resolve();
  }
}

export interface BenchWorldOptions {
  start: number;
  end: number;
  carCount: number;
  profileOf: (carIndex: number) => DriveProfile;
  poorConnectivity: number;
}

/** What the month bench runs against: the simulator on a hand-moved clock, dynalite, and the functions' own adapters. */
export async function startBenchWorld(o: BenchWorldOptions) {
  const clock = new SimClock(o.start, 0);
  const vins = Array.from({ length: o.carCount }, (_, i) => `5YJ3E7EB0SF${String(100001 + i)}`);
  const sim = await FleetSimulator.start({
    clock,
    // Cars share the profile, each shifted by 7 minutes so that they do not move in lockstep.
    cars: vins.map((vin, i) => ({
      vin,
      id: 1000 + i,
      displayName: `Bench ${i + 1}`,
      profile: o.profileOf(i),
      anchor: i * 7 * MINUTE_MS,
      odometerMi: 20_000,
      poorConnectivity: o.poorConnectivity,
    })),
  });
  const dynamo = await startLocalDynamo({ tableName: 'bench' });
  const counts = countDynamo(dynamo.client);
  const doc = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  const stores = new DynamoDbStores({ client: doc, tableName: 'bench', snapshotRetentionDays: 400 });
  const history = new DynamoDbHistoryStore({ client: doc, tableName: 'bench' });
  const billing = new DynamoDbBillingStore({ client: doc, tableName: 'bench' });
  const login = sim.login();
  const tokenStore = new MemoryTokenStore({
    clientId: SIM_CLIENT_ID,
    refreshToken: login.refresh_token,
    accessToken: login.access_token,
    accessTokenExpiresAt: clock.now() + login.expires_in * 1000,
  });
  // The token cache the functions use, and a count of what it reads (each read is a GetSecretValue in AWS).
  let tokenReads = 0;
  const countedTokens: TokenStore = { read: () => ((tokenReads += 1), tokenStore.read()), write: (bundle) => tokenStore.write(bundle) };
  const renewer = new InProcessTokenRenewer(tokenStore, new UndiciOAuthClient({ authUrl: sim.baseUrl }), clock);
  const tokens = new StoredAccessTokens(countedTokens, renewer, clock, READER_TOKEN_CACHE_MS);
  const fleet = new UndiciFleetApi({ baseUrl: sim.baseUrl, tokens });
  const stop = async (): Promise<void> => {
    await sim.stop();
    await dynamo.stop();
  };
  return { start: o.start, end: o.end, clock, vins, sim, counts, stores, history, billing, fleet, tokenReads: () => tokenReads, stop };
}

export type BenchWorld = Awaited<ReturnType<typeof startBenchWorld>>;
