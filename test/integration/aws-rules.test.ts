import { crc32 } from 'node:zlib';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsRulesControl } from '../../local/aws/aws-rules-proxy';
import { type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/aws/sqs-server';

/**
 * The AWS-rules layer in front of dynalite: each rule is shown refused through the layer and
 * accepted by dynalite alone (the gap the rule closes), so removing a rule fails its test.
 */
const TABLE = 'rules';
let layered: LocalDynamo;
let raw: LocalDynamo;
let rules: AwsRulesControl;
/** A client on the layer that makes one attempt only (the SDK default is 3), so faults surface. */
let onceClient: DynamoDBClient;
let once: DynamoDBDocumentClient;

beforeAll(async () => {
  [layered, raw] = await Promise.all([startLocalDynamo(), startLocalDynamo({ awsRules: false })]);
  await Promise.all([layered.createTable(TABLE), raw.createTable(TABLE)]);
  if (!layered.rules) throw new Error('the AWS-rules layer is on by default');
  rules = layered.rules;
  onceClient = new DynamoDBClient({
    endpoint: layered.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  once = DynamoDBDocumentClient.from(onceClient, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => {
  onceClient?.destroy();
  await Promise.all([layered?.close(), raw?.close()]);
});
beforeEach(() => {
  rules.clearFaults();
  rules.resetRequests();
});

/** The error a send rejects with, or a failure when it succeeds. */
async function rejection(send: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await send;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to be refused');
}

const getItem = (dynamo: LocalDynamo, pk: string, sk = 's') =>
  dynamo.documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true }));

function nested(containers: number): AttributeValue {
  let value: AttributeValue = { S: 'leaf' };
  for (let level = 0; level < containers; level++) value = level % 2 ? { L: [value] } : { M: { a: value } };
  return value;
}

describe('empty attribute names', () => {
  const item = { pk: 'empty-1', sk: 's', data: { a: { b: { '': 1 } } } };

  it('refuses a map key "" three levels down, and stores nothing', async () => {
    const error = await rejection(layered.documents.send(new PutCommand({ TableName: TABLE, Item: item })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/empty attribute name/);
    expect((await getItem(layered, 'empty-1')).Item).toBeUndefined();
    expect(rules.requests().map((request) => request.outcome)).toEqual(['refused', 'forwarded']);
  });

  it('dynalite alone stores the same item (the gap the rule closes)', async () => {
    await raw.documents.send(new PutCommand({ TableName: TABLE, Item: item }));
    expect((await getItem(raw, 'empty-1')).Item).toEqual(item);
  });

  it('answers exactly as AWS does: 400, JSON 1.0, x-amzn-errortype, coral __type', async () => {
    const body = JSON.stringify({ TableName: TABLE, Item: { pk: { S: 'empty-2' }, sk: { S: 's' }, '': { S: 'x' } } });
    const response = await fetch(layered.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      },
      body,
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(response.headers.get('x-amz-crc32')).toBe(String(crc32(text)));
    expect(JSON.parse(text)).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: 'One or more parameter values were invalid: An AttributeValue may not contain an empty attribute name',
    });
  });
});

/**
 * One request per rule, sent with the low-level client so the wire shape is exact. dynalite alone
 * accepts every one of them: each rule closes a gap it leaves.
 */
const put = (pk: string, extra: Record<string, AttributeValue>, sk = 's') =>
  new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, sk: { S: sk }, ...extra } });

type Send = (client: DynamoDBClient) => Promise<unknown>;
const cases: ReadonlyArray<{ rule: string; send: Send; message: RegExp }> = [
  {
    rule: 'empty top-level attribute name',
    send: (client) => client.send(put('r-1', { '': { S: 'x' } })),
    message: /empty attribute name/,
  },
  {
    rule: 'empty map key inside a list',
    send: (client) => client.send(put('r-2', { list: { L: [{ N: '1' }, { M: { '': { S: 'x' } } }] } })),
    message: /empty attribute name/,
  },
  {
    rule: 'empty map key in an ExpressionAttributeValue (UpdateItem SET)',
    send: (client) =>
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: 'r-3' }, sk: { S: 's' } },
          UpdateExpression: 'SET #d = :d',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: { ':d': { M: { ok: { M: { '': { S: 'x' } } } } } },
        }),
      ),
    message: /^ExpressionAttributeValues contains invalid value: .*empty attribute name for key :d$/,
  },
  {
    rule: 'empty map key in a BatchWriteItem PutRequest',
    send: (client) =>
      client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [TABLE]: [
              {
                PutRequest: {
                  Item: { pk: { S: 'r-4' }, sk: { S: 's' }, d: { M: { x: { M: { '': { BOOL: true } } } } } },
                },
              },
            ],
          },
        }),
      ),
    message: /empty attribute name/,
  },
  {
    rule: '32 maps and lists deep (31 is the most AWS takes)',
    send: (client) => client.send(put('r-5', { deep: nested(32) })),
    message: /^Nesting Levels have exceeded supported limits/,
  },
  {
    rule: 'attribute name of 65,536 bytes',
    send: (client) => client.send(put('r-6', { ['n'.repeat(65_536)]: { S: 'x' } })),
    message: /Size of attribute name has exceeded/,
  },
  {
    rule: 'nested map key of 65,536 bytes',
    send: (client) => client.send(put('r-7', { d: { M: { ['n'.repeat(65_536)]: { S: 'x' } } } })),
    message: /Size of attribute name has exceeded/,
  },
  // 250,000 × "é" is 500,000 UTF-8 bytes; dynalite counts 250,000 UTF-16 units.
  {
    rule: 'item over 400 KB in UTF-8',
    send: (client) => client.send(put('r-8', { text: { S: 'é'.repeat(250_000) } })),
    message: /^Item size has exceeded the maximum allowed size$/,
  },
  {
    rule: 'partition key over 2,048 UTF-8 bytes',
    send: (client) => client.send(put('é'.repeat(1_500), {})),
    message: /Size of hashkey has exceeded the maximum size limit of 2048 bytes/,
  },
  {
    rule: 'sort key over 1,024 UTF-8 bytes',
    send: (client) => client.send(put('r-10', {}, 'é'.repeat(600))),
    message: /range keys has exceeded the size limit of 1024 bytes/,
  },
  {
    rule: 'ConditionExpression over 4 KB',
    send: (client) =>
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'r-11' }, sk: { S: 's' } },
          ConditionExpression: Array.from({ length: 200 }, () => 'attribute_not_exists(pk)').join(' OR '),
        }),
      ),
    message:
      /^Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 5596$/,
  },
];

describe.each(cases)('rule: $rule', ({ send, message }) => {
  it('is refused through the layer with ValidationException, and does not reach dynalite', async () => {
    const error = await rejection(send(layered.client));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
    expect(rules.requests().map((request) => request.outcome)).toEqual(['refused']);
  });

  it('is accepted by dynalite alone', async () => {
    await expect(send(raw.client)).resolves.toBeDefined();
  });
});

describe('rules at their limits', () => {
  it('takes 31 levels of nesting and a 65,535-byte name, as AWS does', async () => {
    await layered.client.send(put('limit-1', { deep: nested(31), ['n'.repeat(65_535)]: { S: 'x' } }));
    expect((await getItem(layered, 'limit-1')).Item?.deep).toBeDefined();
  });

  it('refuses an empty ExpressionAttributeNames value, naming it (dynalite refuses it too, as an undefined name)', async () => {
    const update = () =>
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'limit-2', sk: 's' },
        UpdateExpression: 'SET #a = :v',
        ExpressionAttributeNames: { '#a': '' },
        ExpressionAttributeValues: { ':v': 1 },
      });
    const error = await rejection(layered.documents.send(update()));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('ExpressionAttributeNames contains invalid value: Empty attribute name for key #a');
    expect((await rejection(raw.documents.send(update()))).message).toMatch(/not defined/);
  });

  it('refuses an empty name in a TransactWriteItems Put before dynalite (which lacks transactions) sees it', async () => {
    const transact = () =>
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 'limit-3' }, sk: { S: 's' }, '': { S: 'x' } } } }],
      });
    expect((await rejection(layered.client.send(transact()))).name).toBe('ValidationException');
    expect((await rejection(raw.client.send(transact()))).name).toBe('UnknownOperationException');
  });
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
    await rejection(
      layered.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: { S: 'log-5' }, sk: { S: 's' } } } }],
        }),
      ),
    );
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
      // dynalite has no transactions: forwarded, it answers UnknownOperationException.
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
  it('passes dynalite’s answer through verbatim, x-amz-crc32 included', async () => {
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
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[A-Z0-9]{52}$/); // dynalite's id format
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
