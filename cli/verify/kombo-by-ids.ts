import type { KomboClient } from '../../lambdas/core/kombo/client';
import { KomboError, KomboIntegrationUnavailableError } from '../../lambdas/core/kombo/errors';
import type { KomboRecord } from '../../lambdas/core/kombo/responses';
import type { Deadline } from '../../lambdas/core/ports';

/** Ids per request: well inside a URL's length and Kombo's page size (as the worker's sweep asks). */
const IDS_PER_REQUEST = 100;

/**
 * The records Kombo has among `ids`, deleted ones included. An older version of Kombo's docs says a list
 * filtered by ids answers 404 when any id is unknown: on such an answer the ids are asked for in halves, down
 * to single ids, as the worker's sweep does, and a single id Kombo does not know is absent.
 */
export async function recordsByIds(
  kombo: KomboClient,
  partition: { integrationId: string; resource: string },
  ids: readonly string[],
  deadline: Deadline,
): Promise<Map<string, KomboRecord>> {
  const found = new Map<string, KomboRecord>();
  for (let start = 0; start < ids.length; start += IDS_PER_REQUEST) {
    for (const record of await fetchChunk(kombo, partition, ids.slice(start, start + IDS_PER_REQUEST), deadline))
      found.set(record.id, record);
  }
  return found;
}

async function fetchChunk(
  kombo: KomboClient,
  partition: { integrationId: string; resource: string },
  ids: readonly string[],
  deadline: Deadline,
): Promise<KomboRecord[]> {
  const records: KomboRecord[] = [];
  try {
    for await (const page of kombo.pages({ ...partition, includeDeleted: true, ids }, { deadline }))
      records.push(...page.records);
    return records;
  } catch (error) {
    if (!isUnknownIdsAnswer(error)) throw error;
  }
  if (ids.length === 1) return [];
  const middle = Math.ceil(ids.length / 2);
  return [
    ...(await fetchChunk(kombo, partition, ids.slice(0, middle), deadline)),
    ...(await fetchChunk(kombo, partition, ids.slice(middle), deadline)),
  ];
}

/** 404 (other than "integration not found") or "input invalid": some of the ids are unknown. */
function isUnknownIdsAnswer(error: unknown): boolean {
  if (!(error instanceof KomboError) || error instanceof KomboIntegrationUnavailableError) return false;
  return error.status === 404 || error.code === 'PLATFORM.INPUT_INVALID';
}
