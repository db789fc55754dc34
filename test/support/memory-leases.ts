/** Walk leases in memory, as the state table holds them: by `<integration>#<resource>`, with an owner and an expiry. */
export class MemoryWalkLeases extends Map<string, { owner: string; untilMs: number }> {
  /** Every take, refusal and give-back, in order. */
  readonly log: string[] = [];

  acquire(key: string, lease: { owner: string; nowMs: number; untilMs: number }): boolean {
    const held = this.get(key);
    if (held && held.owner !== lease.owner && held.untilMs >= lease.nowMs) {
      this.log.push(`refused ${key}`);
      return false;
    }
    this.set(key, { owner: lease.owner, untilMs: lease.untilMs });
    this.log.push(`taken ${key}`);
    return true;
  }

  release(key: string, owner: string): void {
    if (this.get(key)?.owner !== owner) return;
    this.delete(key);
    this.log.push(`released ${key}`);
  }
}
