import { crc32 } from 'node:zlib';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsRulesControl } from '../../local/aws/aws-rules-proxy';
import type { LocalDynamo } from '../../local/aws/dynamo-server';
import { DDB_LOCAL, getItem, rejection, SERVER, TABLE, useRulesServers } from '../support/aws-rules-servers';

/**
 * What the AWS-rules layer does besides its rules (aws-rules.test.ts): it injects the faults AWS
 * produces and local servers never do, logs every request, and forwards everything else verbatim,
 * in front of dynalite or (under `npm run test:ddb-local`) DynamoDB Local.
 */
const servers = useRulesServers({ serverAlone: false });
let layered: LocalDynamo;
let rules: AwsRulesControl;
let once: DynamoDBDocumentClient;
beforeAll(() => {
  ({ layered, rules, once } = servers);
});

describe('fault injection', () => {
  it('throttle: the next `times` matching requests answer ProvisionedThroughputExceededException; others pass', async () => {
    rules.throttle({ partitionKey: 'p1', times: 2 });
    const putP1 = (n: number) => once.send(new PutCommand({ TableName: TABLE, Item: { pk: 'p1', sk: `s${n}` } }));

    const first = await rejection(putP1(1));
    expect(first.name).toBe('ProvisionedThroughputExceededException');
    expect(first.$metadata?.httpStatusCode).toBe(400);
    expect(first.message).toBe(
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    );
    await once.send(new PutCommand({ TableName: TABLE, Item: { pk: 'p2', sk: 's' } }));
    expect((await rejection(putP1(2))).name).toBe('ProvisionedThroughputExceededException');
    await putP1(3);

    expect((await getItem(layered, 'p1', 's3')).Item).toBeDefined();
    expect((await getItem(layered, 'p1', 's1')).Item).toBeUndefined();
    expect(
      rules
        .requests()
        .slice(0, 4)
        .map(({ partitionKeys, outcome }) => [partitionKeys, outcome]),
    ).toEqual([
      [['p1'], 'fault'],
      [['p2'], 'forwarded'],
      [['p1'], 'fault'],
      [['p1'], 'forwarded'],
    ]);
  });

  it("throttle: the SDK's default retries (3 attempts) absorb two throttles", async () => {
    rules.throttle({ operation: 'PutItem', table: TABLE, partitionKey: 'p3', times: 2 });
    await layered.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'p3', sk: 's' } }));
    expect(rules.requests().map((request) => request.outcome)).toEqual(['fault', 'fault', 'forwarded']);
  });

  it('throttle: a batch is throttled when any of its items is in the partition', async () => {
    rules.throttle({ partitionKey: 'p5', times: Infinity });
    const batch = new BatchWriteCommand({
      RequestItems: {
        [TABLE]: [{ PutRequest: { Item: { pk: 'p4', sk: 's' } } }, { PutRequest: { Item: { pk: 'p5', sk: 's' } } }],
      },
    });
    expect((await rejection(once.send(batch))).name).toBe('ProvisionedThroughputExceededException');
    expect((await rejection(once.send(batch))).name).toBe('ProvisionedThroughputExceededException');
    rules.clearFaults();
    await once.send(batch);
  });

  it('fail: a non-retryable AccessDeniedException is sent once and not retried', async () => {
    rules.fail({
      operation: 'PutItem',
      partitionKey: 'f1',
      times: 1,
      errorType: 'AccessDeniedException',
      message: 'not allowed',
    });
    const error = await rejection(
      layered.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'f1', sk: 's' } })),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe('not allowed');
    expect(rules.requests().map((request) => request.outcome)).toEqual(['fault']);
    await layered.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'f1', sk: 's' } }));
  });

  it('fail: an InternalServerError (500) for every matching request until the faults are cleared', async () => {
    rules.fail({ table: TABLE, partitionKey: 'f2', times: Infinity, errorType: 'InternalServerError', status: 500 });
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await rejection(once.send(new GetCommand({ TableName: TABLE, Key: { pk: 'f2', sk: 's' } })));
      expect(error.name).toBe('InternalServerError');
      expect(error.$metadata?.httpStatusCode).toBe(500);
    }
    await once.send(new GetCommand({ TableName: TABLE, Key: { pk: 'other', sk: 's' } }));
    rules.clearFaults();
    await once.send(new GetCommand({ TableName: TABLE, Key: { pk: 'f2', sk: 's' } }));
  });
});

describe('request log', () => {
  it('records every request in arrival order: operation, table, partition keys, outcome', async () => {
    const before = Date.now();
    rules.fail({ operation: 'DeleteItem', times: 1, errorType: 'AccessDeniedException' });
    await layered.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'log-1', sk: 's' } }));
    await layered.documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'log-1', sk: 's' } }));
    await layered.documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': 'pk' },
        ExpressionAttributeValues: { ':p': 'log-1' },
      }),
    );
    await layered.documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { pk: 'log-2', sk: 's' } } },
            { DeleteRequest: { Key: { pk: 'log-3', sk: 's' } } },
          ],
        },
      }),
    );
    await rejection(
      layered.documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'log-4', sk: 's', m: { '': 1 } } })),
    );
    const transact = layered.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: { S: 'log-5' }, sk: { S: 's' } } } }],
      }),
    );
    // dynalite has no transactions (UnknownOperationException); DynamoDB Local deletes nothing, fine.
    if (DDB_LOCAL) await transact;
    else expect((await rejection(transact)).name).toBe('UnknownOperationException');
    await rejection(layered.documents.send(new DeleteCommand({ TableName: TABLE, Key: { pk: 'log-6', sk: 's' } })));
    const after = Date.now();

    const log = rules.requests();
    expect(
      log.map(({ operation, table, partitionKeys, outcome }) => ({ operation, table, partitionKeys, outcome })),
    ).toEqual([
      { operation: 'PutItem', table: TABLE, partitionKeys: ['log-1'], outcome: 'forwarded' },
      { operation: 'GetItem', table: TABLE, partitionKeys: ['log-1'], outcome: 'forwarded' },
      { operation: 'Query', table: TABLE, partitionKeys: ['log-1'], outcome: 'forwarded' },
      { operation: 'BatchWriteItem', table: TABLE, partitionKeys: ['log-2', 'log-3'], outcome: 'forwarded' },
      { operation: 'PutItem', table: TABLE, partitionKeys: ['log-4'], outcome: 'refused' },
      // Forwarded: dynalite answers UnknownOperationException, DynamoDB Local carries it out.
      { operation: 'TransactWriteItems', table: TABLE, partitionKeys: ['log-5'], outcome: 'forwarded' },
      { operation: 'DeleteItem', table: TABLE, partitionKeys: ['log-6'], outcome: 'fault' },
    ]);
    const times = log.map((request) => request.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(times.at(-1)).toBeLessThanOrEqual(after);

    rules.resetRequests();
    expect(rules.requests()).toEqual([]);
  });
});

describe('forwarding', () => {
  it(`passes the answer of ${SERVER} through verbatim, x-amz-crc32 included`, async () => {
    const response = await fetch(layered.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.DescribeTable',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      },
      body: JSON.stringify({ TableName: TABLE }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-crc32')).toBe(String(crc32(text)));
    // Each server's own id format (AWS's is dynalite's: 52 capitals and digits).
    expect(response.headers.get('x-amzn-requestid')).toMatch(
      DDB_LOCAL ? /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ : /^[A-Z0-9]{52}$/,
    );
    expect(JSON.parse(text).Table.TableName).toBe(TABLE);
  });

  it('round-trips a ~300 KB item intact', async () => {
    const item = {
      pk: 'big-1',
      sk: 's',
      text: 'x'.repeat(200_000) + 'ü'.repeat(20_000),
      list: Array.from({ length: 1_000 }, (_, n) => ({ n, label: `item ${n}`.padEnd(40, '.') })),
    };
    await layered.documents.send(new PutCommand({ TableName: TABLE, Item: item }));
    expect((await getItem(layered, 'big-1')).Item).toEqual(item);
  });

  it('pages a Query with LastEvaluatedKey / ExclusiveStartKey', async () => {
    const sks = Array.from({ length: 25 }, (_, n) => `s${String(n).padStart(2, '0')}`);
    for (const sk of sks)
      await layered.documents.send(
        new PutCommand({ TableName: TABLE, Item: { pk: 'page-1', sk, payload: 'p'.repeat(2_000) } }),
      );
    const seen: string[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await layered.documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'page-1' },
          Limit: 7,
          ExclusiveStartKey: start,
        }),
      );
      seen.push(...(page.Items ?? []).map((item) => String(item.sk)));
      start = page.LastEvaluatedKey;
      pages += 1;
    } while (start);
    expect(seen).toEqual(sks);
    expect(pages).toBe(4);
  });
});
