import type { FleetSimulator } from '../simulator/fleet-simulator';
import { readIfExists, writeOwnerOnly } from '../../shared/secrets/owner-only-file';

/** The keys paired with each simulated car, kept in DATA_DIR so a restart does not unpair them. */
export class SimPairings {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async restore(sim: FleetSimulator): Promise<void> {
    const pairs = await this.read();
    for (const [vin, keys] of Object.entries(pairs)) {
      if (!sim.cars.has(vin)) continue;
      for (const key of keys) sim.pairKey(Buffer.from(key, 'hex'), [vin]);
    }
  }

  /** Adds a pairing; writes are queued so two pairings in a row both land. */
  add(publicKey: Buffer, vins: string[]): Promise<void> {
    this.writing = this.writing.then(async () => {
      const pairs = await this.read();
      const hex = publicKey.toString('hex');
      for (const vin of vins) pairs[vin] = [...new Set([...(pairs[vin] ?? []), hex])];
      await writeOwnerOnly(this.path, `${JSON.stringify(pairs, null, 2)}\n`);
    });
    return this.writing;
  }

  /** Resolves once every pairing so far is written (the host waits for it when it stops). */
  settled(): Promise<void> {
    return this.writing.catch(() => undefined);
  }

  private async read(): Promise<Record<string, string[]>> {
    const text = await readIfExists(this.path);
    if (text === null) return {};
    try {
      const value = JSON.parse(text) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, string[]>) : {};
    } catch {
      return {};
    }
  }
}
