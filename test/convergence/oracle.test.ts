import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPartition } from '../../lambdas/core/table-keys';
import { RECORDS_TABLE } from '../../local/aws/names';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { Invariants, type Violation } from './invariants';
import { checkConvergence } from './oracle';
import { SeededRandom } from './random';
import { CONVERGENCE_PIPELINE_OPTIONS } from './settings';
import { World } from './world';

/** The checks themselves: each catches the damage it is there for, so a passing seed means something. */
let pipeline: Pipeline;
beforeAll(async () => {
  pipeline = await startPipeline(CONVERGENCE_PIPELINE_OPTIONS);
});
afterAll(async () => pipeline?.close());

async function synced(id: string) {
  const world = new World(pipeline.kombo, new SeededRandom(1));
  world.addIntegration(id, 5);
  const { status } = await pipeline.kombo.sendWebhook({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    type: 'integration-created',
    data: {
      id,
      tool: 'personio',
      category: 'HRIS',
      end_user: { organization_name: 'Org', creator_email: null, origin_id: null },
    },
  });
  expect(status).toBe(200);
  await pipeline.runWorker();
  return world;
}

const backdate = (id: string, recordId: string, changedAt: string) =>
  pipeline.dynamo.documents.send(
    new UpdateCommand({
      TableName: RECORDS_TABLE,
      Key: { pk: recordPartition(id, 'hris/employees'), sk: recordId },
      UpdateExpression: 'SET changed_at = :at, data_hash = :hash',
      ExpressionAttributeValues: { ':at': changedAt, ':hash': 'tampered' },
    }),
  );

describe('the convergence checks', () => {
  it('pass on a synced mirror, and catch a record gone back in time, both throughout and at the end', async () => {
    const id = 'oracle-check-1';
    const world = await synced(id);
    const violations: Violation[] = [];
    const invariants = new Invariants(pipeline, world, (violation) => violations.push(violation));
    await invariants.check();
    expect(violations).toEqual([]);
    expect(await checkConvergence(pipeline, world)).toEqual([]);

    const [first] = world.records(id, 'hris/employees');
    await backdate(id, String(first?.id), '2020-01-01T00:00:00.000Z');
    await invariants.check();
    expect(violations.map((violation) => violation.invariant)).toEqual(
      expect.arrayContaining(['changed-at-never-goes-back', 'cursor-never-passes-an-unstored-change']),
    );
    const end = await checkConvergence(pipeline, world);
    expect(end.map((violation) => violation.invariant)).toContain('mirror-equals-source');
  });

  it('catch an upstream change the mirror never got', async () => {
    const id = 'oracle-check-2';
    const world = await synced(id);
    const [first] = world.records(id, 'hris/employees');
    pipeline.kombo.update(id, 'hris/employees', String(first?.id), { note: 'changed upstream, never synced' });
    const end = await checkConvergence(pipeline, world);
    expect(end.map((violation) => violation.invariant)).toContain('mirror-equals-source');
    expect(end.some((violation) => violation.detail.includes(String(first?.id)))).toBe(true);
  });
});
