import { isDeepStrictEqual } from 'node:util';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Pipeline } from '../../local/pipeline';
import type { Violation } from './invariants';
import { RESOURCES, recordHash, type World } from './world';

type Stored = Record<string, unknown>;

/**
 * The end state, after faults stopped and one weekly cycle ran: the mirror equals the source (no
 * record missing, none extra, none older; every upstream deletion a tombstone without data); a
 * deleted integration holds no record and no state but its markers (or, when its deletion webhook
 * was lost, is marked missing, to be purged on the next reconcile: one answer alone never deletes
 * data); nothing was dead-lettered.
 */
export async function checkConvergence(pipeline: Pipeline, world: World): Promise<Violation[]> {
  const violations: Violation[] = [];
  const report = (invariant: string, detail: string) => violations.push({ invariant, detail });
  for (const integration of world.integrations) {
    if (integration.deleted) {
      await checkDeleted(pipeline, integration.id, integration.deletionDelivered, report);
      continue;
    }
    for (const resource of RESOURCES) {
      const stored = await pipeline.storedRecords(integration.id, resource);
      compareMirror(world, integration.id, resource, stored, report);
    }
    const walks = (await pipeline.stateItems(integration.id)).filter((item) => String(item.sk).startsWith('walk#'));
    if (walks.length > 0)
      report('walks-complete', `${integration.id}: walks left open: ${walks.map((w) => w.sk).join(', ')}`);
  }
  const dead = await pipeline.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: pipeline.deadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const deadLettered =
    Number(dead.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(dead.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (deadLettered > 0) report('nothing-dead-lettered', `${deadLettered} message(s) in the dead-letter queue`);
  return violations;
}

function compareMirror(
  world: World,
  integrationId: string,
  resource: string,
  stored: readonly Stored[],
  report: (invariant: string, detail: string) => void,
): void {
  const where = `${integrationId}#${resource}`;
  const source = new Map(world.kombo.records(integrationId, resource, { includeDeleted: true }).map((r) => [r.id, r]));
  const vanished = new Set(
    world.mutations
      .filter((m) => m.kind === 'vanish' && m.integrationId === integrationId && m.resource === resource)
      .map((m) => m.id),
  );
  const storedIds = new Set(stored.map((item) => String(item.id)));
  for (const id of source.keys()) {
    if (!storedIds.has(id)) report('mirror-equals-source', `${where}/${id}: missing from the mirror`);
  }
  for (const item of stored) {
    const id = String(item.id);
    const record = source.get(id);
    const tombstone = item.data_encoding === 'tombstone';
    if (!record) {
      if (!vanished.has(id)) report('mirror-equals-source', `${where}/${id}: in the mirror, never upstream`);
      else if (!tombstone)
        report('mirror-equals-source', `${where}/${id}: vanished upstream, still live in the mirror`);
      else if (item.data !== undefined) report('tombstones-hold-no-data', `${where}/${id}: swept tombstone with data`);
      continue;
    }
    if (String(item.changed_at) !== new Date(record.changed_at).toISOString())
      report(
        'mirror-equals-source',
        `${where}/${id}: changed_at ${String(item.changed_at)}, upstream ${record.changed_at}`,
      );
    if (record.remote_deleted_at !== null) {
      if (!tombstone) report('mirror-equals-source', `${where}/${id}: deleted upstream, live in the mirror`);
      if (item.data !== undefined || item.data_gzip !== undefined)
        report('tombstones-hold-no-data', `${where}/${id}: tombstone with data`);
      continue;
    }
    if (tombstone) {
      report('mirror-equals-source', `${where}/${id}: live upstream, a tombstone in the mirror`);
      continue;
    }
    // The hash covers compressed items too; a map item's data is compared as well.
    if (item.data_hash !== recordHash(record))
      report(
        'mirror-equals-source',
        `${where}/${id}: stored content (${String(item.data_encoding)}) differs from upstream`,
      );
    if (item.data_encoding === 'map' && !isDeepStrictEqual(item.data, record))
      report('mirror-equals-source', `${where}/${id}: stored data differs from upstream`);
  }
}

async function checkDeleted(
  pipeline: Pipeline,
  integrationId: string,
  deletionDelivered: boolean,
  report: (invariant: string, detail: string) => void,
): Promise<void> {
  const state = await pipeline.stateItems(integrationId);
  const meta = state.find((item) => item.sk === 'meta');
  const registry = (await pipeline.registryItems()).find((item) => item.sk === integrationId);
  let records = 0;
  for (const resource of RESOURCES) records += (await pipeline.storedRecords(integrationId, resource)).length;
  const purged = records === 0 && state.length === 1 && typeof meta?.purged_at === 'string';
  if (purged) {
    if (registry?.state !== 'DELETED')
      report('deleted-integration-purged', `${integrationId}: purged, registry says ${String(registry?.state)}`);
    return;
  }
  if (deletionDelivered) {
    report(
      'deleted-integration-purged',
      `${integrationId}: deleted (webhook delivered) but ${records} record(s), ${state.length} state item(s) remain`,
    );
    return;
  }
  if (typeof registry?.missing_since !== 'string')
    report(
      'deleted-integration-purged',
      `${integrationId}: gone upstream, its deletion webhook lost, and not marked missing`,
    );
}
