import { createHash } from 'node:crypto';

/** The most slots a weekly run is spread over (lib/weekly-full-sync.ts makes one schedule per slot). */
export const MAX_SPREAD_SLOTS = 96;

/**
 * The slot of a spread weekly run that plans this integration: the first 4 bytes of the id's sha256
 * (big-endian uint32) mod `slots`. A hash, not the registry's order, so an integration keeps its slot
 * from week to week as others come and go, and the slots come out even.
 */
export function spreadSlot(integrationId: string, slots: number): number {
  return createHash('sha256').update(integrationId).digest().readUInt32BE(0) % slots;
}
