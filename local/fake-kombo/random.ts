/**
 * Small, fast, seeded randomness. Every record gets its own generator, seeded from
 * (seed, integration, resource, ordinal), so a record's content never depends on what else was
 * generated before it.
 */

/**
 * sfc32 with a 128-bit state, yielding uniform numbers in [0, 1). A class, not a closure: one is
 * made per record, and closures cost more to create (and get renamed at runtime under tsx).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.s0 = a >>> 0;
    this.s1 = b >>> 0;
    this.s2 = c >>> 0;
    this.s3 = d >>> 0;
    // Discard a few rounds so that similar seeds (consecutive ordinals) diverge.
    for (let round = 0; round < 12; round++) this.next();
  }

  next(): number {
    const t = (((this.s0 + this.s1) | 0) + this.s3) | 0;
    this.s3 = (this.s3 + 1) | 0;
    this.s0 = this.s1 ^ (this.s1 >>> 9);
    this.s1 = (this.s2 + (this.s2 << 3)) | 0;
    this.s2 = (this.s2 << 21) | (this.s2 >>> 11);
    this.s2 = (this.s2 + t) | 0;
    return (t >>> 0) / 4294967296;
  }
}

/** FNV-1a, 32 bit: a cheap, well-spread hash to derive seeds from strings. */
export function hashString(text: string, offset = 0x811c9dc5): number {
  let hash = offset >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Two independent hashes of a stream name (e.g. integration and resource), computed once per stream. */
export type StreamKeys = readonly [number, number];

export function streamKeys(stream: string): StreamKeys {
  return [hashString(stream), hashString(stream, 0x2545f491)];
}

/** The generator of one record: distinct ordinals give distinct states within one stream. */
export function recordRandom(seed: number, keys: StreamKeys, ordinal: number): Random {
  return new Random(keys[0], keys[1], ordinal, seed);
}

export function integerBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}

export function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random.next() * values.length)];
}

export function chance(random: Random, probability: number): boolean {
  return random.next() < probability;
}
