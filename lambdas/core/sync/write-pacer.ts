/**
 * Keeps one walk's writes under a partition's write rate: a bucket of write units, one second deep,
 * that a write may overdraw; the next write waits until it is paid back. The walks of one
 * (integration, resource) run one at a time (their message group), so a walk's own pace is the
 * partition's.
 */
export class WritePacer {
  private balance: number;
  private filledAt: number;

  constructor(
    private readonly unitsPerSecond: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.balance = unitsPerSecond;
    this.filledAt = now();
  }

  /** Waits while the bucket is overdrawn, then spends `units`; resolves with the milliseconds waited. */
  async spend(units: number): Promise<number> {
    this.refill();
    const waitMs = this.balance < 0 ? Math.ceil((-this.balance / this.unitsPerSecond) * 1000) : 0;
    if (waitMs > 0) {
      await this.sleep(waitMs);
      this.refill();
    }
    this.balance -= units;
    return waitMs;
  }

  private refill(): void {
    const now = this.now();
    this.balance = Math.min(this.unitsPerSecond, this.balance + ((now - this.filledAt) / 1000) * this.unitsPerSecond);
    this.filledAt = now;
  }
}

/** Containers outlive jobs: the pacers of this many partitions last written are kept. */
const KEPT_PACERS = 1_000;

/** One pacer per partition, the ones last used kept, so back-to-back jobs of a resource share one pace. */
export class WritePacers {
  private readonly pacers = new Map<string, WritePacer>();

  constructor(private readonly create: () => WritePacer) {}

  of(partition: string): WritePacer {
    const pacer = this.pacers.get(partition) ?? this.create();
    // Re-inserted, so the map's order is least recently used first.
    this.pacers.delete(partition);
    this.pacers.set(partition, pacer);
    if (this.pacers.size > KEPT_PACERS) this.pacers.delete(this.pacers.keys().next().value as string);
    return pacer;
  }
}
