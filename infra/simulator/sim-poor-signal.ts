/**
 * A badly connected car: online in the vehicle list, yet a share (0–1) of its data requests get 408 (billed), as a
 * car in a garage with weak signal does. Deterministic, every ⌈1/share⌉-th request, so runs repeat.
 */
export class PoorSignal {
  private requests = 0;

  constructor(private readonly share: number) {}

  /** Whether this data request is lost. */
  drops(): boolean {
    if (this.share <= 0) return false;
    this.requests += 1;
    return this.requests % Math.max(1, Math.round(1 / this.share)) === 0;
  }
}
