import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { describeIssues } from '../../core/describe';
import type { ResourceState, StateStore, Walk, WalkSummary } from '../../core/ports';
import { walkKindSchema } from '../../core/sync/job';
import {
  cursorKey,
  runKey,
  STATE_META_KEY,
  seenKey,
  seenPrefix,
  statePartition,
  TTL_ATTRIBUTE,
  walkKey,
} from '../../core/table-keys';
import { deleteKeys, purgePartitionPage } from './batch-delete';
import { isConditionFailed } from './errors';
import { queryItems } from './query-items';
import { acquireWalkLease, releaseWalkLease } from './walk-lease';

/** How long what a full walk's page saw is kept. */
const SEEN_PAGE_TTL_SECONDS = 30 * 24 * 3600;
/** How long a full run's summary item is kept. */
const RUN_SUMMARY_TTL_SECONDS = 90 * 24 * 3600;

/** `resource` is a DynamoDB reserved word. */
const RESOURCE_NAME = { '#resource': 'resource' };

/**
 * The state table's resource items (the integration's `meta` item and the registry belong to
 * DynamoIntegrationStore): per resource a `cursor#<resource>` item
 * (delta cursor, last success, last error, counts) and, while one runs, a `walk#<resource>` item
 * (the checkpoint of a walk in progress).
 */
export class DynamoStateStore implements StateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async resourceState(integrationId: string, resource: string): Promise<ResourceState> {
    const pk = statePartition(integrationId);
    const [cursor, walk] = await Promise.all([this.get(pk, cursorKey(resource)), this.get(pk, walkKey(resource))]);
    return {
      deltaCursor: typeof cursor?.delta_cursor === 'string' ? cursor.delta_cursor : undefined,
      walk: walk ? walkFromItem(integrationId, resource, walk) : undefined,
    };
  }

  async saveWalk(walk: Walk): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: statePartition(walk.integrationId),
          sk: walkKey(walk.resource),
          integration_id: walk.integrationId,
          resource: walk.resource,
          kind: walk.kind,
          run_id: walk.runId ?? null,
          force_sweep: walk.forceSweep,
          started_at: walk.startedAt,
          updated_after: walk.updatedAfter ?? null,
          next: walk.next,
          pages: walk.pages,
          invocations: walk.invocations,
          restarts: walk.restarts,
          counts: walk.counts,
          sweep: walk.sweep ?? null,
          throttles: walk.throttles,
          failure: walk.failure ?? null,
        },
      }),
    );
  }

  async saveSeenPage(walk: Walk, page: number, ids: readonly string[]): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: statePartition(walk.integrationId),
          sk: seenKey(walk.resource, walk.startedAt, page),
          ids: [...ids],
          // Long enough for a walk and its sweep; the purge removes it sooner.
          [TTL_ATTRIBUTE]: Math.floor(Date.parse(walk.startedAt) / 1000) + SEEN_PAGE_TTL_SECONDS,
        },
      }),
    );
  }

  async seenIds(walk: Walk): Promise<Set<string>> {
    const seen = new Set<string>();
    const pages = queryItems(this.client, {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: 'ids',
      ExpressionAttributeValues: {
        ':pk': statePartition(walk.integrationId),
        ':prefix': seenPrefix(walk.resource, walk.startedAt),
      },
    });
    for await (const item of pages) for (const id of (item.ids as string[] | undefined) ?? []) seen.add(id);
    return seen;
  }

  async completeWalk({ walk, finishedAt, durationMs }: WalkSummary): Promise<void> {
    const key = { pk: statePartition(walk.integrationId), sk: cursorKey(walk.resource) };
    const summary = {
      ':last_success_at': finishedAt,
      ':last_walk': {
        kind: walk.kind,
        run_id: walk.runId ?? null,
        started_at: walk.startedAt,
        updated_after: walk.updatedAfter ?? null,
        finished_at: finishedAt,
        duration_ms: durationMs,
        pages: walk.pages,
        invocations: walk.invocations,
        ...walk.counts,
        ...(walk.sweep ? sweepSummary(walk.sweep) : {}),
      },
      ':written': walk.counts.written,
      ':one': 1,
      ':integration_id': walk.integrationId,
      ':resource': walk.resource,
    };
    const sets = [
      'last_success_at = :last_success_at',
      'last_walk = :last_walk',
      'integration_id = :integration_id',
      '#resource = :resource',
    ];
    const summaryUpdate = (moveCursor: boolean) =>
      `SET ${[...(moveCursor ? ['delta_cursor = :started_at'] : []), ...sets].join(', ')} ADD records_written :written, walks_completed :one`;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: summaryUpdate(true),
          // The cursor never moves backwards, e.g. when an older walk finishes after a newer one.
          ConditionExpression: 'attribute_not_exists(delta_cursor) OR delta_cursor < :started_at',
          ExpressionAttributeNames: RESOURCE_NAME,
          ExpressionAttributeValues: { ...summary, ':started_at': walk.startedAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: summaryUpdate(false),
          ExpressionAttributeNames: RESOURCE_NAME,
          ExpressionAttributeValues: summary,
        }),
      );
    }
    if (walk.kind === 'full' && walk.runId) {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: key.pk,
            sk: runKey(walk.resource, walk.runId),
            integration_id: walk.integrationId,
            resource: walk.resource,
            ...(summary[':last_walk'] as Record<string, unknown>),
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(finishedAt) / 1000) + RUN_SUMMARY_TTL_SECONDS,
          },
        }),
      );
    }
    await this.discardWalk(walk.integrationId, walk.resource);
  }

  acquireWalkLease(
    integrationId: string,
    resource: string,
    lease: { owner: string; nowMs: number; untilMs: number },
  ): Promise<boolean> {
    return acquireWalkLease(this.client, this.tableName, { integrationId, resource }, lease);
  }

  releaseWalkLease(integrationId: string, resource: string, owner: string): Promise<void> {
    return releaseWalkLease(this.client, this.tableName, { integrationId, resource }, owner);
  }

  async purgeStatePage(integrationId: string): Promise<{ deleted: number; more: boolean }> {
    // Always the first page: what it deleted is gone, and the meta item stays as the deletion marker.
    const page = await purgePartitionPage(this.client, this.tableName, statePartition(integrationId), {
      keep: (sk) => sk === STATE_META_KEY,
    });
    return { deleted: page.deleted, more: page.lastKey !== undefined };
  }

  async runCompleted(integrationId: string, resource: string, runId: string): Promise<boolean> {
    return (await this.get(statePartition(integrationId), runKey(resource, runId))) !== undefined;
  }

  async forgetResource(integrationId: string, resource: string, runId: string | undefined): Promise<void> {
    const pk = statePartition(integrationId);
    const keys = [walkKey(resource), cursorKey(resource), ...(runId ? [runKey(resource, runId)] : [])];
    await deleteKeys(
      this.client,
      this.tableName,
      keys.map((sk) => ({ pk, sk })),
    );
  }

  async discardWalk(integrationId: string, resource: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(integrationId), sk: walkKey(resource) },
      }),
    );
  }

  async recordFailure(
    integrationId: string,
    resource: string,
    failure: { at: string; code: string | null; message: string },
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(integrationId), sk: cursorKey(resource) },
        UpdateExpression:
          'SET last_error = :failure, integration_id = :integration_id, #resource = :resource ADD failures :one',
        ExpressionAttributeNames: RESOURCE_NAME,
        ExpressionAttributeValues: {
          ':failure': failure,
          ':integration_id': integrationId,
          ':resource': resource,
          ':one': 1,
        },
      }),
    );
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return response.Item;
  }
}

const sweepSchema = z
  .object({
    phase: z.enum(['count', 'sweep', 'done']),
    key: z.string().nullish(),
    live: z.number(),
    candidates: z.number(),
    recovered: z.number().optional().default(0),
    swept: z.number(),
    braked: z.boolean(),
  })
  .transform((sweep) => ({ ...sweep, key: sweep.key ?? undefined }));

function sweepSummary(sweep: NonNullable<Walk['sweep']>) {
  return {
    live: sweep.live,
    sweep_candidates: sweep.candidates,
    sweep_recovered: sweep.recovered,
    swept: sweep.swept,
    sweep_braked: sweep.braked,
  };
}

const walkItemSchema = z.object({
  kind: walkKindSchema,
  run_id: z.string().nullish(),
  force_sweep: z.boolean().optional(),
  sweep: sweepSchema.nullish(),
  started_at: z.string(),
  updated_after: z.string().nullish(),
  next: z.string().nullable(),
  pages: z.number().int().nonnegative(),
  invocations: z.number().int().nonnegative(),
  restarts: z.number().int().nonnegative().optional(),
  counts: z.object({
    written: z.number(),
    unchanged: z.number(),
    stale: z.number(),
    tombstoned: z.number(),
    oversized: z.number(),
    // Checkpoints written before these existed lack them.
    rejected: z.number().optional().default(0),
  }),
  throttles: z.number().int().nonnegative().optional(),
  failure: z.object({ code: z.string().nullable(), message: z.string(), count: z.number().int().positive() }).nullish(),
});

/** A checkpoint that does not parse is reported, never guessed at: the walk would resume wrongly. */
function walkFromItem(integrationId: string, resource: string, item: Record<string, unknown>): Walk {
  const parsed = walkItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new Error(`state item walk#${resource} of ${integrationId} is malformed: ${describeIssues(parsed.error)}`);
  }
  const walk = parsed.data;
  return {
    integrationId,
    resource,
    kind: walk.kind,
    runId: walk.run_id ?? undefined,
    forceSweep: walk.force_sweep ?? false,
    startedAt: walk.started_at,
    updatedAfter: walk.updated_after ?? undefined,
    next: walk.next,
    pages: walk.pages,
    invocations: walk.invocations,
    restarts: walk.restarts ?? 0,
    counts: walk.counts,
    sweep: walk.sweep ?? undefined,
    throttles: walk.throttles ?? 0,
    failure: walk.failure ?? undefined,
  };
}
