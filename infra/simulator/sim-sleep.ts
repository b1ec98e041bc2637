/**
 * A simulated car's sleep: it falls asleep `sleepAfterMs` after the last thing that kept it awake (its own activity,
 * a data request, a command, a finished wake) unless something holds it awake, and a wake takes `wakeDelayMs`.
 * It also measures what polling costs a car: the time it stayed awake only because data requests reset its timer.
 */
export class SimSleep {
  asleep = false;
  /** Time the car stayed awake only because data requests kept resetting its sleep timer. */
  awakeByPollingMs = 0;
  private wakingAt: number | null = null;
  private lastActiveAt: number;
  /** The last time the car was active for its own reasons (not because somebody asked it for data). */
  private lastOwnActiveAt: number;

  constructor(
    now: number,
    private readonly sleepAfterMs: number,
    private readonly wakeDelayMs: number,
  ) {
    if (wakeDelayMs < 10_000 || wakeDelayMs > 60_000) throw new RangeError('wakeDelayMs must be 10–60 s');
    this.lastActiveAt = now;
    this.lastOwnActiveAt = now;
  }

  /** The next moment this changes by itself (a wake completes, or the car falls asleep) after `t`, or never. */
  nextChangeAfter(t: number, heldAwake: boolean): number {
    const sleepAt = this.asleep || heldAwake ? Infinity : this.lastActiveAt + this.sleepAfterMs;
    return Math.min(this.wakingAt ?? Infinity, sleepAt > t ? sleepAt : Infinity);
  }

  /** Time has reached `t`: a pending wake completes; an idle car with nothing holding it falls asleep. */
  settle(t: number, heldAwake: boolean): void {
    if (this.wakingAt !== null && this.wakingAt <= t) {
      this.asleep = false;
      this.wakingAt = null;
      this.lastActiveAt = t;
      this.lastOwnActiveAt = t;
    }
    if (!this.asleep && !heldAwake && t - this.lastActiveAt >= this.sleepAfterMs) {
      this.asleep = true;
      this.awakeByPollingMs += Math.max(0, this.lastActiveAt - this.lastOwnActiveAt);
    }
  }

  /** The car is awake for its own reasons (driving, sentry, an install) until `t`. */
  activeOwnUntil(t: number): void {
    this.asleep = false;
    this.wakingAt = null;
    this.lastActiveAt = Math.max(this.lastActiveAt, t);
    this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, t);
  }

  /** Charging keeps the car awake until `t`. */
  chargingUntil(t: number): void {
    this.asleep = false;
    this.lastActiveAt = Math.max(this.lastActiveAt, t);
    this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, this.lastActiveAt);
  }

  /** Something the car itself does began at `now` (a drive pulling away, a charge starting): it is awake at once. */
  ownDoingBegins(now: number): void {
    if (this.asleep) this.lastActiveAt = this.lastOwnActiveAt = now;
    this.asleep = false;
    this.wakingAt = null;
  }

  /** Something the car counts as its own activity ended at `t` (climate or sentry off): its sleep timer starts. */
  ownActivityEnded(t: number, alsoActive = false): void {
    if (alsoActive) this.lastActiveAt = Math.max(this.lastActiveAt, t);
    this.lastOwnActiveAt = Math.max(this.lastOwnActiveAt, t);
  }

  /** A data request: resets the sleep timer of an awake car. */
  touch(now: number): void {
    if (!this.asleep) this.lastActiveAt = now;
  }

  /** A command: resets the timer, and counts as the car's own activity (the owner asked for something). */
  commanded(now: number): void {
    if (this.asleep) return;
    this.lastActiveAt = now;
    this.lastOwnActiveAt = now;
  }

  /** Starts waking; the car is online `wakeDelayMs` later. */
  wake(now: number): void {
    if (this.asleep && this.wakingAt === null) this.wakingAt = now + this.wakeDelayMs;
  }
}
