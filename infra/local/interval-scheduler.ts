/**
 * The local stand-in for the EventBridge schedule: runs `task` every `intervalMs`, never two at once (a run that
 * is still going when the next is due makes that one skip).
 */
export class IntervalScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.intervalMs);
  }

  /** Runs now unless a run is under way, in which case it waits for that one. */
  runOnce(): Promise<void> {
    this.running ??= this.task().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
