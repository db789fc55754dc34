import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoIntegrationStore } from '../lambdas/adapters/dynamodb/integration-store';
import { DynamoRecordStore } from '../lambdas/adapters/dynamodb/records-store';
import { SqsJobQueue } from '../lambdas/adapters/sqs/job-queue';
import type { RegisteredIntegration } from '../lambdas/core/ports';
import { MirrorReader } from './aws/mirror-reader';
import { CliError } from './errors';
import type { CliIo } from './io';
import type { TargetOptions } from './target/options';
import { resolveTarget, type Target } from './target/resolve';

/**
 * The project's own adapters, built on the resolved resources, each checked once before first use so that a
 * wrong name is one clear line (`table … not found`) instead of DynamoDB's "Requested resource not found".
 */
export interface Services {
  readonly target: Target;
  readonly io: CliIo;
  integrations(): Promise<DynamoIntegrationStore>;
  /** The registry entry, or a CliError saying the integration is unknown. */
  integration(id: string): Promise<RegisteredIntegration>;
  stateTable(): Promise<string>;
  records(): Promise<{ store: DynamoRecordStore; reader: MirrorReader }>;
  jobQueue(): Promise<SqsJobQueue>;
  /** Messages waiting in a queue (SQS's approximate count), checking that it exists. */
  queueDepth(url: string, what: string): Promise<number>;
}

export function createServices(options: TargetOptions, io: CliIo): Services {
  const target = resolveTarget(options, io);
  const { dynamo, sqs } = target.clients;
  const checked = new Map<string, Promise<void>>();
  const once = (key: string, check: () => Promise<void>) => {
    const known = checked.get(key) ?? check();
    checked.set(key, known);
    return known;
  };
  const table = async (name: 'recordsTable' | 'stateTable', what: string) => {
    const tableName = await target.resource(name);
    await once(`table:${tableName}`, async () => {
      try {
        await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
        throw new CliError(`${what} ${tableName} not found in ${await dynamo.config.region()}`);
      }
    });
    return tableName;
  };
  const stateTable = () => table('stateTable', 'state table');
  const queueDepth = async (url: string, what: string) => {
    try {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    } catch (error) {
      if (!/NonExistentQueue|QueueDoesNotExist/.test((error as Error).name)) throw error;
      throw new CliError(`${what} ${url} does not exist`);
    }
  };
  const integrations = async () => new DynamoIntegrationStore(dynamo, await stateTable());

  return {
    target,
    io,
    integrations,
    stateTable,
    async integration(id) {
      const found = await (await integrations()).get(id);
      if (!found)
        throw new CliError(`integration ${id} is not registered (see \`kombo-sync status\`, \`kombo-sync register\`)`);
      return found;
    },
    async records() {
      const tableName = await table('recordsTable', 'records table');
      return { store: new DynamoRecordStore(dynamo, tableName), reader: new MirrorReader(dynamo, tableName) };
    },
    async jobQueue() {
      const url = await target.resource('syncJobsQueueUrl');
      await once(`queue:${url}`, async () => void (await queueDepth(url, 'the sync-jobs queue')));
      return new SqsJobQueue(sqs, url);
    },
    queueDepth,
  };
}
