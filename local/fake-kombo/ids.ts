import type { Random } from './random';

/** Kombo ids are 24 characters of the Bitcoin base58 alphabet (the spec's id pattern). */
const BASE58_CODES = Array.from('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz', (char) =>
  char.charCodeAt(0),
);
const ID_LENGTH = 24;
/** 58^6 ≈ 3.8e10 > 2^32: six characters hold any 32-bit ordinal. */
const ORDINAL_DIGITS = 6;
/** An odd constant: multiplying by it permutes the 32-bit integers, so mixed ordinals stay distinct. */
const ORDINAL_MIXER = 0x9e3779b1;
/** XOR is a permutation too; it keeps ordinal 0 from ending in `111111`. */
const ORDINAL_MASK = 0x5bd1e995;

// One scratch buffer: ids are built as character codes and turned into a flat string at once.
// Concatenating character by character would leave a chain of rope nodes per id in memory,
// which is what dominates the heap when 100k records are seeded.
const scratch = new Array<number>(ID_LENGTH);

/** A random Kombo-like id, for references whose uniqueness does not matter (nested objects, events). */
export function randomKomboId(random: Random): string {
  for (let index = 0; index < ID_LENGTH; index++) scratch[index] = BASE58_CODES[Math.floor(random.next() * 58)];
  return String.fromCharCode(...scratch);
}

/**
 * The id of a stored record: random-looking, and unique within its (integration, resource) by
 * construction, because the last characters encode the (bijectively mixed) ordinal. Random ids
 * alone would collide: a record's generator state is derived from hashes, and seeding 100k
 * records would hit birthday collisions on a 32-bit hash.
 */
export function recordKomboId(random: Random, ordinal: number): string {
  const prefixLength = ID_LENGTH - ORDINAL_DIGITS;
  for (let index = 0; index < prefixLength; index++) scratch[index] = BASE58_CODES[Math.floor(random.next() * 58)];
  let rest = (Math.imul(ordinal, ORDINAL_MIXER) ^ ORDINAL_MASK) >>> 0;
  for (let index = prefixLength; index < ID_LENGTH; index++) {
    scratch[index] = BASE58_CODES[rest % 58];
    rest = Math.floor(rest / 58);
  }
  return String.fromCharCode(...scratch);
}
