import type { Log } from '../domain/stores';

/** The list is read again this often. */
export const ALLOWLIST_REFRESH_MS = 60_000;
/** A VIN not on the list makes it be read again first, at most this often (a car just configured passes at once). */
export const ALLOWLIST_RECHECK_MS = 10_000;

/**
 * The owner's VINs, for the receiver's bridge. fleet-telemetry takes any car with a Tesla certificate (it has no VIN
 * allowlist), so any car some app configured to stream here could: the bridge refuses such a car's records before
 * they reach the queue (no ack: a car sends them again later, so nothing of the owner's is lost to a list read a
 * moment too early). The list is written by `PUT /streaming` (all the owner's cars) and emptied by
 * `DELETE /streaming`. Until it has been read once (no parameter yet, SSM unreachable), every car is let through:
 * the recorder refuses a car not the owner's anyway, and the owner's records must not wait on the list.
 */
export class VinAllowlist {
  private vins: ReadonlySet<string> | null = null;
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;

  constructor(
    /** The VINs, or null when there is no list yet. */
    private readonly load: () => Promise<readonly string[] | null>,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  async allows(vin: string): Promise<boolean> {
    if (this.vins?.has(vin) !== true) await this.refresh(ALLOWLIST_RECHECK_MS);
    else void this.refresh(ALLOWLIST_REFRESH_MS);
    return this.vins === null || this.vins.has(vin);
  }

  /** Reads the list if the last read is older than `maxAgeMs`; a failed read keeps the list as it was. */
  refresh(maxAgeMs: number): Promise<void> {
    if (this.now() - this.readAt < maxAgeMs) return Promise.resolve();
    this.reading ??= this.load()
      .then((vins) => {
        this.vins = vins === null ? null : new Set(vins);
      })
      .catch((error: unknown) => this.log.warn('receiver bridge: VIN allowlist not read, the last one kept', { error: String(error) }))
      .finally(() => {
        this.readAt = this.now();
        this.reading = null;
      });
    return this.reading;
  }
}

/** The list as kept in one SSM String parameter: VINs separated by commas; `-` for none (SSM refuses an empty value). */
export const formatVins = (vins: readonly string[]): string => (vins.length === 0 ? '-' : [...vins].sort().join(','));
export const parseVins = (value: string): string[] => (value === '-' ? [] : value.split(',').filter((v) => v !== ''));
