import { crc32 } from 'node:zlib';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsRulesControl } from '../../local/aws/aws-rules-proxy';
import type { LocalDynamo } from '../../local/aws/dynamo-server';
import { DDB_LOCAL, getItem, rejection, SERVER, TABLE, useRulesServers } from '../support/aws-rules-servers';

/**
 * The AWS-rules layer in front of dynalite: each rule is shown refused through the layer and
 * accepted by dynalite alone (the gap the rule closes), so removing a rule fails its test.
 *
 * Under `npm run test:ddb-local` the server is AWS's DynamoDB Local instead: the same tests then
 * show that it refuses each request itself (the rule is AWS behaviour, not an invention of the
 * layer), and where it answers otherwise than dynalite, the expectation says what it answers.
 * The layer's faults, request log and forwarding: aws-rules-faults.test.ts.
 */
const servers = useRulesServers({ serverAlone: true });
let layered: LocalDynamo;
let raw: LocalDynamo;
let rules: AwsRulesControl;
let once: DynamoDBDocumentClient;
let rawOnce: DynamoDBClient;
beforeAll(() => {
  ({ layered, raw, rules, once, rawOnce } = servers);
});

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

  it(
    DDB_LOCAL
      ? 'DynamoDB Local alone refuses the same item (the rule is AWS behaviour)'
      : 'dynalite alone stores the same item (the gap the rule closes)',
    async () => {
      const put = raw.documents.send(new PutCommand({ TableName: TABLE, Item: item }));
      if (DDB_LOCAL) {
        const error = await rejection(put);
        expect([error.name, error.message]).toEqual(['ValidationException', 'Empty attribute name']);
        expect((await getItem(raw, 'empty-1')).Item).toBeUndefined();
      } else {
        await put;
        expect((await getItem(raw, 'empty-1')).Item).toEqual(item);
      }
    },
  );

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
 * accepts every one of them: each rule closes a gap it leaves. DynamoDB Local alone refuses every
 * one (`ddbLocal`: its answer, worded its own way in places), except that it fails attribute names
 * over 50,000 bytes with InternalFailure (HTTP 500), where AWS documents 64 KB.
 */
const put = (pk: string, extra: Record<string, AttributeValue>, sk = 's') =>
  new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, sk: { S: sk }, ...extra } });

type Send = (client: DynamoDBClient) => Promise<unknown>;
const EMPTY_NAME_DDB_LOCAL = { name: 'ValidationException', message: /^Empty attribute name$/ };
const NAME_SIZE_DDB_LOCAL = { name: 'InternalFailure', message: /unknown error, exception or failure/ };
const KEY_SIZE_DDB_LOCAL = {
  name: 'ValidationException',
  message: /^Hash primary key values must be under 2048 bytes, and range primary key values must be under 1024 bytes$/,
};
const cases: ReadonlyArray<{
  rule: string;
  send: Send;
  message: RegExp;
  ddbLocal: { name: string; message: RegExp };
}> = [
  {
    rule: 'empty top-level attribute name',
    send: (client) => client.send(put('r-1', { '': { S: 'x' } })),
    message: /empty attribute name/,
    ddbLocal: EMPTY_NAME_DDB_LOCAL,
  },
  {
    rule: 'empty map key inside a list',
    send: (client) => client.send(put('r-2', { list: { L: [{ N: '1' }, { M: { '': { S: 'x' } } }] } })),
    message: /empty attribute name/,
    ddbLocal: EMPTY_NAME_DDB_LOCAL,
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
    ddbLocal: {
      name: 'ValidationException',
      message: /^ExpressionAttributeValues contains invalid value: Empty attribute name for key :d$/,
    },
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
    ddbLocal: EMPTY_NAME_DDB_LOCAL,
  },
  {
    rule: '32 maps and lists deep (31 is the most AWS takes)',
    send: (client) => client.send(put('r-5', { deep: nested(32) })),
    message: /^Nesting Levels have exceeded supported limits/,
    ddbLocal: { name: 'ValidationException', message: /^Nesting Levels have exceeded supported limits/ },
  },
  {
    rule: 'attribute name of 65,536 bytes',
    send: (client) => client.send(put('r-6', { ['n'.repeat(65_536)]: { S: 'x' } })),
    message: /Size of attribute name has exceeded/,
    ddbLocal: NAME_SIZE_DDB_LOCAL,
  },
  {
    rule: 'nested map key of 65,536 bytes',
    send: (client) => client.send(put('r-7', { d: { M: { ['n'.repeat(65_536)]: { S: 'x' } } } })),
    message: /Size of attribute name has exceeded/,
    ddbLocal: NAME_SIZE_DDB_LOCAL,
  },
  // 250,000 × "é" is 500,000 UTF-8 bytes; dynalite counts 250,000 UTF-16 units.
  {
    rule: 'item over 400 KB in UTF-8',
    send: (client) => client.send(put('r-8', { text: { S: 'é'.repeat(250_000) } })),
    message: /^Item size has exceeded the maximum allowed size$/,
    ddbLocal: { name: 'ValidationException', message: /^Item size has exceeded the maximum allowed size$/ },
  },
  {
    rule: 'partition key over 2,048 UTF-8 bytes',
    send: (client) => client.send(put('é'.repeat(1_500), {})),
    message: /Size of hashkey has exceeded the maximum size limit of 2048 bytes/,
    ddbLocal: KEY_SIZE_DDB_LOCAL,
  },
  {
    rule: 'sort key over 1,024 UTF-8 bytes',
    send: (client) => client.send(put('r-10', {}, 'é'.repeat(600))),
    message: /range keys has exceeded the size limit of 1024 bytes/,
    ddbLocal: KEY_SIZE_DDB_LOCAL,
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
    ddbLocal: {
      name: 'ValidationException',
      message:
        /^Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 5596$/,
    },
  },
];

describe.each(cases)('rule: $rule', ({ send, message, ddbLocal }) => {
  it(`is refused through the layer with ValidationException, and does not reach ${SERVER}`, async () => {
    const error = await rejection(send(layered.client));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
    expect(rules.requests().map((request) => request.outcome)).toEqual(['refused']);
  });

  it(DDB_LOCAL ? 'is refused by DynamoDB Local alone as well' : 'is accepted by dynalite alone', async () => {
    if (DDB_LOCAL) {
      const error = await rejection(send(rawOnce));
      expect(error.name).toBe(ddbLocal.name);
      expect(error.message).toMatch(ddbLocal.message);
    } else await expect(send(raw.client)).resolves.toBeDefined();
  });
});

describe('rules at their limits', () => {
  it('takes 31 levels of nesting, as AWS does', async () => {
    await layered.client.send(put('limit-1', { deep: nested(31) }));
    expect((await getItem(layered, 'limit-1')).Item?.deep).toBeDefined();
  });

  it('lets a 65,535-byte name through, as AWS takes it', async () => {
    const send = once.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'limit-1b', sk: 's', ['n'.repeat(65_535)]: 'x' } }),
    );
    if (DDB_LOCAL) {
      // DynamoDB Local's own limit, not AWS's: it fails any name over 50,000 bytes this way.
      expect((await rejection(send)).name).toBe('InternalFailure');
    } else {
      await send;
      expect((await getItem(layered, 'limit-1b')).Item).toBeDefined();
    }
    expect(rules.requests()[0]?.outcome).toBe('forwarded');
  });

  it(`refuses an empty ExpressionAttributeNames value, naming it (${SERVER} refuses it too)`, async () => {
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
    // dynalite takes it for an undefined name; DynamoDB Local words it as the layer does.
    expect((await rejection(raw.documents.send(update()))).message).toMatch(
      DDB_LOCAL ? /^ExpressionAttributeNames contains invalid value: Empty attribute name for key #a$/ : /not defined/,
    );
  });

  it(`refuses an empty name in a TransactWriteItems Put before ${SERVER} sees it`, async () => {
    const transact = () =>
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 'limit-3' }, sk: { S: 's' }, '': { S: 'x' } } } }],
      });
    expect((await rejection(layered.client.send(transact()))).name).toBe('ValidationException');
    // dynalite has no transactions; DynamoDB Local does, and refuses the name itself.
    expect((await rejection(raw.client.send(transact()))).name).toBe(
      DDB_LOCAL ? 'ValidationException' : 'UnknownOperationException',
    );
  });
});
