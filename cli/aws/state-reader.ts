import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll } from '../../lambdas/adapters/dynamodb/query-items';
import { statePartition } from '../../lambdas/core/table-keys';

/**
 * What the worker records per resource in an integration's state partition, read for an operator: the
 * `cursor#` items (cursor, last success, last walk, last error), the `walk#` checkpoints of walks in progress,
 * and the `run#` summaries of full walks. Read with projections: the partition also holds the `seen#` pages of
 * full walks, which are large and of no interest here.
 */
export interface ResourceState {
  readonly resource: string;
  readonly deltaCursor: string | undefined;
  readonly lastSuccessAt: string | undefined;
  readonly lastWalk: WalkSummary | undefined;
  readonly lastError: { readonly at: string; readonly code: string | null; readonly message: string } | undefined;
  readonly walk: WalkInProgress | undefined;
  readonly lastFullRun: FullRun | undefined;
}

const walkSummarySchema = z.looseObject({
  kind: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  pages: z.number().optional(),
  written: z.number().optional(),
});
export type WalkSummary = z.infer<typeof walkSummarySchema>;

const cursorItemSchema = z.looseObject({
  resource: z.string(),
  delta_cursor: z.string().optional(),
  last_success_at: z.string().optional(),
  last_walk: walkSummarySchema.optional(),
  last_error: z.object({ at: z.string(), code: z.string().nullable(), message: z.string() }).optional(),
});

const walkItemSchema = z.looseObject({
  resource: z.string(),
  kind: z.string(),
  started_at: z.string(),
  pages: z.number(),
  invocations: z.number(),
  failure: z.object({ code: z.string().nullable(), message: z.string(), count: z.number() }).nullish(),
});
export type WalkInProgress = z.infer<typeof walkItemSchema>;

const runItemSchema = z.looseObject({
  resource: z.string(),
  run_id: z.string().nullish(),
  finished_at: z.string(),
  live: z.number().optional(),
  sweep_candidates: z.number().optional(),
  swept: z.number().optional(),
  sweep_braked: z.boolean().optional(),
});
export type FullRun = z.infer<typeof runItemSchema>;

/** Every resource the worker has state for (a cursor, a walk or a run), by resource. */
export async function resourceStates(
  client: DynamoDBDocumentClient,
  stateTable: string,
  integrationId: string,
): Promise<ResourceState[]> {
  const read = (prefix: string, projection: string) =>
    queryPrefix(client, stateTable, statePartition(integrationId), prefix, projection);
  const [cursors, walks, runs] = await Promise.all([
    read('cursor#', '#resource, delta_cursor, last_success_at, last_walk, last_error'),
    read('walk#', '#resource, kind, started_at, pages, invocations, failure'),
    read('run#', '#resource, run_id, finished_at, live, sweep_candidates, swept, sweep_braked'),
  ]);
  type Items = { cursor?: z.infer<typeof cursorItemSchema>; walk?: WalkInProgress; run?: FullRun };
  const byResource = new Map<string, Items>();
  const entry = (resource: string): Items => {
    const found = byResource.get(resource);
    if (found) return found;
    const created: Items = {};
    byResource.set(resource, created);
    return created;
  };
  for (const item of cursors) {
    const cursor = cursorItemSchema.safeParse(item);
    if (cursor.success) entry(cursor.data.resource).cursor = cursor.data;
  }
  for (const item of walks) {
    const walk = walkItemSchema.safeParse(item);
    if (walk.success) entry(walk.data.resource).walk = walk.data;
  }
  for (const item of runs) {
    const run = runItemSchema.safeParse(item);
    if (!run.success) continue;
    const current = entry(run.data.resource);
    if (!current.run || current.run.finished_at < run.data.finished_at) current.run = run.data;
  }
  return [...byResource]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([resource, { cursor, walk, run }]) => ({
      resource,
      deltaCursor: cursor?.delta_cursor,
      lastSuccessAt: cursor?.last_success_at,
      lastWalk: cursor?.last_walk,
      lastError: cursor?.last_error,
      walk,
      lastFullRun: run,
    }));
}

async function queryPrefix(
  client: DynamoDBDocumentClient,
  table: string,
  pk: string,
  prefix: string,
  projection: string,
): Promise<Record<string, unknown>[]> {
  return queryAll(client, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ProjectionExpression: projection,
    // `resource` is a DynamoDB reserved word.
    ExpressionAttributeNames: { '#resource': 'resource' },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
  });
}
