import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../lambdas/adapters/aws-clients';
import { fullSyncConfig } from '../../lambdas/core/config';
import { spreadSlot } from '../../lambdas/core/plan/spread-slot';
import { createFullSyncHandler } from '../../lambdas/full-sync/create-handler';

const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const IDS = Array.from({ length: 40 }, (_, i) => `personio:${i}`);

const handler = createFullSyncHandler({
  config: fullSyncConfig({
    SYNC_JOBS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync-jobs.fifo',
    STATE_TABLE: 'kombo-sync-state',
    SYNC_RESOURCES: 'all',
    KOMBO_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-api-key-AbCdEf',
  }),
  clients: awsClients({ region: 'eu-west-1' }),
});
const context = { functionName: 'full-sync', awsRequestId: 'req', getRemainingTimeInMillis: () => 900_000 } as Context;
const invoke = (event: unknown) => handler(event, context);
const sentBodies = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => (call.args[0].input as SendMessageBatchCommandInput).Entries ?? [])
    .map((entry) => JSON.parse(entry.MessageBody ?? '') as { integrationId: string; runId: string });

beforeEach(() => {
  sqs.reset();
  dynamo.reset();
  dynamo.on(QueryCommand).resolves({
    Items: IDS.map((sk) => ({
      pk: 'registry',
      sk,
      tool: 'personio',
      category: 'HRIS',
      state: 'ACTIVE',
      first_seen_at: '2026-11-01T00:00:00.000Z',
      last_seen_at: '2026-11-01T00:00:00.000Z',
    })),
  });
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});

describe('the full-sync handler, invoked by a slot of the weekly schedule', () => {
  it("plans the slot's integrations under the run's first scheduled time", async () => {
    const result = await invoke({
      source: 'schedule',
      scheduled_time: '2026-11-29T02:45:00Z',
      slot: 3,
      slots: 4,
      slot_minutes: 15,
    });
    const expected = IDS.filter((id) => spreadSlot(id, 4) === 3);
    expect(result).toMatchObject({ runId: '2026-11-29T02:00:00.000Z', slot: 3, slots: 4, jobs: expected.length });
    expect(sentBodies().map((body) => body.integrationId)).toEqual(expected);
    expect(new Set(sentBodies().map((body) => body.runId))).toEqual(new Set(['2026-11-29T02:00:00.000Z']));
  });

  it('rejects bad slot fields, naming the field, before reading the registry', async () => {
    const at = { source: 'schedule', scheduled_time: '2026-11-29T02:00:00Z' };
    await expect(invoke({ ...at, slot: 4, slots: 4, slot_minutes: 15 })).rejects.toThrow(
      /invalid full-sync request: slot: must be less than slots \(4\)/,
    );
    await expect(invoke({ ...at, slot: 0, slots: 97, slot_minutes: 15 })).rejects.toThrow(
      /invalid full-sync request: slots: /,
    );
    await expect(invoke({ ...at, slot: 0, slots: 4, slot_minutes: 0 })).rejects.toThrow(
      /invalid full-sync request: slot_minutes: /,
    );
    await expect(invoke({ ...at, slot: 0.5, slots: 4, slot_minutes: 15 })).rejects.toThrow(
      /invalid full-sync request: slot: /,
    );
    await expect(invoke({ ...at, slots: 4 })).rejects.toThrow(/invalid full-sync request: slot: is required/);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
