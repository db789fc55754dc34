import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoWindowCounter } from '../../lambdas/adapters/dynamodb/request-window-counter';
import { FleetRequestBudget } from '../../lambdas/core/kombo/request-budget';
import { budgetWindowKey, REQUEST_BUDGET_PARTITION } from '../../lambdas/core/table-keys';
import { type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/aws/sqs-server';
import { RecordingTelemetry } from '../support/recording-telemetry';

const TABLE = 'state';
let dynamo: LocalDynamo;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(TABLE);
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  documents = DynamoDBDocumentClient.from(client);
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.close();
});

describe('the request budget in the state table (dynalite behind the AWS-rules layer)', () => {
  it('counts no window past its limit, whatever number of containers take at once', async () => {
    const counters = Array.from({ length: 5 }, () => new DynamoWindowCounter(documents, TABLE));
    const window = 1_800_000_000_000;
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, n) => (counters[n % 5] as DynamoWindowCounter).tryTake(window, 25, 1_800_003_600)),
    );
    expect(answers.filter(Boolean)).toHaveLength(25);
    const item = await documents.send(
      new GetCommand({ TableName: TABLE, Key: { pk: REQUEST_BUDGET_PARTITION, sk: budgetWindowKey(window) } }),
    );
    expect(item.Item).toMatchObject({ used: 25, expires_at: 1_800_003_600 });
    // The next window starts empty.
    expect(await (counters[0] as DynamoWindowCounter).tryTake(window + 1_000, 25, 1_800_003_600)).toBe(true);
  });

  it('paces real budgets of several containers through the table', async () => {
    const telemetry = new RecordingTelemetry();
    // 1,200 a minute: 1-second windows of 20.
    const budgets = Array.from(
      { length: 4 },
      () =>
        new FleetRequestBudget(
          new DynamoWindowCounter(documents, TABLE),
          { requestsPerMinute: 1_200, realtimeShare: 0.2 },
          { telemetry },
        ),
    );
    const started = Date.now();
    const grants = await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        (budgets[n % 4] as FleetRequestBudget).take(n % 3 === 0 ? 'realtime' : 'bulk', { remainingMs: () => 30_000 }),
      ),
    );
    expect(grants.every((grant) => grant.granted)).toBe(true);
    // 60 requests in windows of 20 need three windows: two boundaries crossed, a second at the least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const windows = await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': REQUEST_BUDGET_PARTITION,
          ':from': budgetWindowKey(started - 1_000),
          ':to': budgetWindowKey(Date.now()),
        },
      }),
    );
    const used = (windows.Items ?? []).map((item) => item.used as number);
    expect(used.reduce((sum, count) => sum + count, 0)).toBe(60);
    expect(Math.max(...used)).toBeLessThanOrEqual(20);
    expect(telemetry.counted('KomboBudgetUnavailable')).toBe(0);
  });
});
