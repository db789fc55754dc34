import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store';
import { DynamoRecordStore } from '../../lambdas/adapters/dynamodb/records-store';
import { DynamoStateStore } from '../../lambdas/adapters/dynamodb/state-store';
import { KomboUnavailableError } from '../../lambdas/core/kombo/errors';
import type { KomboRecord } from '../../lambdas/core/kombo/responses';
import type { IntegrationSource, PageSource, RecordStore, StateStore } from '../../lambdas/core/ports';
import type { WalkJob } from '../../lambdas/core/sync/job';
import { createJobRunner, type JobRunner } from '../../lambdas/core/sync/job-runner';
import { DEFAULT_ENGINE_SETTINGS } from '../../lambdas/core/sync/settings';
import { recordPartition, statePartition } from '../../lambdas/core/table-keys';
import { type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';
import { RecordingTelemetry } from '../support/recording-telemetry';
import { unused } from '../support/scripted-kombo';

/**
 * A walk and a purge of the same integration run in different message groups, so side by side.
 * These tests let the whole purge happen at the worst moment of a walk (while it writes a page,
 * or as it completes) and check that nothing of the integration is left once the walk has stopped.
 */
let dynamo: LocalDynamo;
const RECORDS = 'records';
const STATE = 'state';
const RESOURCE = 'hris/employees';

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await Promise.all([dynamo.createTable(RECORDS), dynamo.createTable(STATE)]);
});
afterAll(async () => dynamo?.close());

const record = (n: number): KomboRecord => ({
  id: `emp-${n}`,
  remote_id: `r-${n}`,
  changed_at: '2026-11-20T10:00:00.000Z',
  remote_deleted_at: null,
  first_name: `Person ${n}`,
});

/** Two pages of three employees. */
const twoPages: PageSource = {
  async *pages(_query, options) {
    if (options.startCursor === undefined) yield { records: [1, 2, 3].map(record), next: 'page-2', cursor: undefined };
    yield { records: [4, 5, 6].map(record), next: null, cursor: 'page-2' };
  },
};

const items = async (table: string, pk: string) =>
  (
    await dynamo.documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    )
  ).Items ?? [];

/**
 * Runs `job` with an engine whose stores call `deleteNow` once, at the moment `when` names; `deleteNow`
 * marks the integration deleted (as the webhook does) and runs its whole purge to the end.
 */
async function walkWithDeletion(
  integrationId: string,
  job: WalkJob,
  when: 'writing-first-page' | 'failing-first-page' | 'completing-walk' | 'kombo-failing',
) {
  const records = new DynamoRecordStore(dynamo.documents, RECORDS);
  const state = new DynamoStateStore(dynamo.documents, STATE);
  const telemetry = new RecordingTelemetry();
  let engine: JobRunner;
  let writes = 0;
  let deleted = false;
  const deleteNow = async () => {
    if (deleted) return;
    deleted = true;
    await new DynamoIntegrationStore(dynamo.documents, STATE).markDeleted({
      id: integrationId,
      tool: 'personio',
      category: 'HRIS',
      at: new Date().toISOString(),
    });
    const purge = await engine.run(
      { job: { v: 1, kind: 'purge', integrationId }, requestedAt: Date.now() },
      { remainingMs: () => 300_000 },
    );
    expect(purge.outcome).toBe('completed');
  };
  const racingRecords: RecordStore = Object.assign(Object.create(records) as RecordStore, {
    write: async (...args: Parameters<RecordStore['write']>) => {
      if (when === 'writing-first-page' || when === 'failing-first-page') await deleteNow();
      // The page fails on its third write, after the purge has passed the first two.
      if (when === 'failing-first-page' && ++writes === 3) throw new Error('DynamoDB: InternalServerError');
      return records.write(...args);
    },
    // New records are written in batches: the purge runs while the batch is written, or the batch fails after it.
    putNew: async (...args: Parameters<RecordStore['putNew']>) => {
      if (when === 'writing-first-page' || when === 'failing-first-page') await deleteNow();
      const result = await records.putNew(...args);
      if (when === 'failing-first-page') throw new Error('DynamoDB: InternalServerError');
      return result;
    },
  });
  const racingState: StateStore = Object.assign(Object.create(state) as StateStore, {
    completeWalk: async (...args: Parameters<StateStore['completeWalk']>) => {
      if (when === 'completing-walk') await deleteNow();
      return state.completeWalk(...args);
    },
  });
  // Kombo answers a request for the deleted integration with an error, the walk records it as the resource's last error.
  const failingKombo: PageSource = {
    // biome-ignore lint/correctness/useYield: a page source whose first request fails yields no page.
    async *pages() {
      await deleteNow();
      throw new KomboUnavailableError('hris/employees: Kombo answered 503', 'PLATFORM.UNKNOWN_ERROR', 503);
    },
  };
  engine = createJobRunner(
    {
      kombo: when === 'kombo-failing' ? failingKombo : twoPages,
      records: racingRecords,
      state: racingState,
      integrations: new DynamoIntegrationStore(dynamo.documents, STATE),
      upstream: unused<IntegrationSource>('upstream'),
      registry: new DynamoIntegrationStore(dynamo.documents, STATE),
      syncResources: new Set([RESOURCE]),
      queue: { send: async () => undefined },
      telemetry,
    },
    { ...DEFAULT_ENGINE_SETTINGS, coalesceWindowMs: 0 },
  );
  const result = await engine.run({ job, requestedAt: Date.now() - 1_000 }, { remainingMs: () => 300_000 });
  return { result, deletedDuringWalk: deleted, telemetry };
}

describe('an integration deleted while one of its walks runs', () => {
  it('purged while the walk writes a page: the walk takes the page back and stops', async () => {
    const id = 'personio:deleted-while-writing';
    const { result, deletedDuringWalk, telemetry } = await walkWithDeletion(
      id,
      { v: 1, kind: 'delta', integrationId: id, resource: RESOURCE },
      'writing-first-page',
    );
    expect(deletedDuringWalk).toBe(true);
    expect(result).toEqual({ outcome: 'skipped', reason: 'integration-deleted' });
    expect(telemetry.counted('JobDroppedIntegrationDeleted')).toBe(1);
    expect(await items(RECORDS, recordPartition(id, RESOURCE))).toEqual([]);
    expect((await items(STATE, statePartition(id))).map((item) => item.sk)).toEqual(['meta']);
  });

  it('purged while a page fails: what the failed page wrote is taken back too', async () => {
    const id = 'personio:deleted-while-page-fails';
    const { result, deletedDuringWalk } = await walkWithDeletion(
      id,
      { v: 1, kind: 'delta', integrationId: id, resource: RESOURCE },
      'failing-first-page',
    );
    expect(deletedDuringWalk).toBe(true);
    expect(result).toEqual({ outcome: 'skipped', reason: 'integration-deleted' });
    expect(await items(RECORDS, recordPartition(id, RESOURCE))).toEqual([]);
    expect((await items(STATE, statePartition(id))).map((item) => item.sk)).toEqual(['meta']);
  });

  it('purged as a full walk completes: its cursor and run items do not outlive the purge', async () => {
    const id = 'personio:deleted-while-completing';
    const job: WalkJob = { v: 1, kind: 'full', integrationId: id, resource: RESOURCE, runId: 'weekly-2026-11-29' };
    const { result, deletedDuringWalk } = await walkWithDeletion(id, job, 'completing-walk');
    expect(deletedDuringWalk).toBe(true);
    expect(result).toEqual({ outcome: 'skipped', reason: 'integration-deleted' });
    expect(await items(RECORDS, recordPartition(id, RESOURCE))).toEqual([]);
    expect((await items(STATE, statePartition(id))).map((item) => item.sk)).toEqual(['meta']);
  });

  it('purged while Kombo answers the walk with an error: the recorded failure does not outlive the purge', async () => {
    const id = 'personio:deleted-while-failing';
    const { result, deletedDuringWalk } = await walkWithDeletion(
      id,
      { v: 1, kind: 'delta', integrationId: id, resource: RESOURCE },
      'kombo-failing',
    );
    expect(deletedDuringWalk).toBe(true);
    expect(result).toEqual({ outcome: 'skipped', reason: 'integration-deleted' });
    expect((await items(STATE, statePartition(id))).map((item) => item.sk)).toEqual(['meta']);
  });
});
