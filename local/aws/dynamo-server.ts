import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { PARTITION_KEY, SORT_KEY } from '../../lambdas/core/store/table-keys';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './sqs-server';

/** A real DynamoDB-protocol server (dynalite) in this process, on loopback, with the stack's tables. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  /** Creates a table with the stack's key schema (`pk`, `sk`, both strings). */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

/** `path`: keep the data in LevelDB files there instead of the JS heap (benchmarks measure the heap). */
export async function startLocalDynamo(options: { port?: number; path?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${boundPort}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    documents,
    async createTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: PARTITION_KEY, AttributeType: 'S' },
            { AttributeName: SORT_KEY, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
            { AttributeName: SORT_KEY, KeyType: 'RANGE' },
          ],
        }),
      );
    },
    async close() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
