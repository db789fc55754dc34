import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AwsRulesControl } from '../../local/aws/aws-rules-proxy';
import { dynamoServerKind, type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/aws/sqs-server';

/**
 * The AWS-rules layer, and the server behind it alone, for the aws-rules*.test.ts files. The server
 * is dynalite, or AWS's DynamoDB Local under `npm run test:ddb-local`; tests whose expectations
 * differ between the two say so through `DDB_LOCAL`.
 */
export const DDB_LOCAL = dynamoServerKind() === 'dynamodb-local';
export const SERVER = DDB_LOCAL ? 'DynamoDB Local' : 'dynalite';
export const TABLE = 'rules';

export interface RulesServers {
  /** Through the AWS-rules layer. */
  layered: LocalDynamo;
  rules: AwsRulesControl;
  /** On the layer, one attempt only (the SDK default is 3), so faults surface. */
  once: DynamoDBDocumentClient;
  /** The server alone (`awsRules: false`); only when asked for. */
  raw: LocalDynamo;
  /** The same with one attempt: DynamoDB Local answers some requests with a retryable 500. */
  rawOnce: DynamoDBClient;
}

const oneAttemptClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

/**
 * Starts the servers before the file's tests (each with the table `rules`), clears faults and the
 * request log before each test, and stops everything after. The fields are set once `beforeAll` ran.
 */
export function useRulesServers(options: { serverAlone: boolean }): RulesServers {
  const servers = {} as RulesServers;
  const clients: DynamoDBClient[] = [];
  const started: LocalDynamo[] = [];
  beforeAll(async () => {
    const starting = [startLocalDynamo(), ...(options.serverAlone ? [startLocalDynamo({ awsRules: false })] : [])];
    started.push(...(await Promise.all(starting)));
    const [layered, raw] = started as [LocalDynamo, LocalDynamo | undefined];
    await Promise.all(started.map((dynamo) => dynamo.createTable(TABLE)));
    if (!layered.rules) throw new Error('the AWS-rules layer is on by default');
    const onceClient = oneAttemptClient(layered.endpoint);
    clients.push(onceClient);
    Object.assign(servers, {
      layered,
      rules: layered.rules,
      once: DynamoDBDocumentClient.from(onceClient, { marshallOptions: { removeUndefinedValues: true } }),
    });
    if (raw) {
      const rawOnce = oneAttemptClient(raw.endpoint);
      clients.push(rawOnce);
      Object.assign(servers, { raw, rawOnce });
    }
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(started.map((dynamo) => dynamo.close()));
  });
  beforeEach(() => {
    servers.rules.clearFaults();
    servers.rules.resetRequests();
  });
  return servers;
}

/** The error a send rejects with, or a failure when it succeeds. */
export async function rejection(send: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await send;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to be refused');
}

export const getItem = (dynamo: LocalDynamo, pk: string, sk = 's') =>
  dynamo.documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true }));
