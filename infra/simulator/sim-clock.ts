import type { Clock } from '../../shared/domain/clock';

/**
 * The simulation's clock: real time (speed 1), accelerated (speed N), or manual (speed 0, moved only by
 * `advance`). The collector under test can share it, so a simulated month runs in seconds.
 */
export class SimClock implements Clock {
  private baseSim: number;
  private baseReal: number;

  constructor(
    start = Date.now(),
    private speed = 1,
  ) {
    this.baseSim = start;
    this.baseReal = Date.now();
  }

  now(): number {
    return Math.floor(this.baseSim + (Date.now() - this.baseReal) * this.speed);
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('the clock only moves forward');
    this.baseSim += ms;
  }

  setSpeed(speed: number): void {
    this.baseSim = this.now();
    this.baseReal = Date.now();
    this.speed = speed;
  }

  /** Waits `ms` of simulated time (instantly on a manual clock, after advancing it). */
  async sleep(ms: number): Promise<void> {
    if (this.speed === 0) {
      this.advance(ms);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, ms / this.speed));
  }
}
