import { type LocalDynamo, startLocalDynamo } from '../aws/dynamo-server';
import { RECORDS_TABLE, STATE_TABLE, SYNC_JOBS_QUEUE } from '../aws/names';
import { type LocalSqs, startLocalSqs } from '../aws/sqs-server';
import { type FakeKombo, startFakeKombo } from '../fake-kombo';
import { type LocalAwsPorts, SAMPLE_INTEGRATIONS } from './settings';

/**
 * What `sam local invoke` runs the functions against: SQS (fauxqs), DynamoDB (dynalite behind the AWS-rules
 * layer) and the fake Kombo, on one address and given ports, with the stack's queue and tables and the sample
 * integrations' records. `npm run local:aws` serves it on the Docker bridge; the tests on 127.0.0.1, port 0.
 */
export interface LocalAwsOptions {
  /** The address every service listens on. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly ports: LocalAwsPorts;
}

/** What the functions are pointed at, as this machine reaches it. */
export interface ServedResources {
  readonly sqsEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** The fake Kombo's base URL, `/v1` included. */
  readonly komboApiUrl: string;
  readonly komboApiKey: string;
  /** Exactly as fauxqs named them: it finds a queue by its whole URL. */
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly recordsTable: string;
  readonly stateTable: string;
}

export interface LocalAws {
  readonly served: ServedResources;
  readonly sqs: LocalSqs;
  readonly dynamo: LocalDynamo;
  readonly kombo: FakeKombo;
  close(): Promise<void>;
}

export class LocalAwsStartError extends Error {
  override name = 'LocalAwsStartError';
}

const PORT_FLAGS: Record<keyof LocalAwsPorts, string> = {
  sqs: '--sqs-port',
  dynamodb: '--dynamodb-port',
  kombo: '--kombo-port',
};

/** Starts one service, turning the two likely failures into what to do about them. */
async function startService<T>(
  service: keyof LocalAwsPorts,
  options: LocalAwsOptions,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.host}:${options.ports[service]}`;
    if (code === 'EADDRINUSE') {
      throw new LocalAwsStartError(`${service}: ${where} is in use; stop what uses it or pass ${PORT_FLAGS[service]}`);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new LocalAwsStartError(`${service}: ${options.host} is not an address of this machine; pass --host`);
    }
    throw error;
  }
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const { host, ports } = options;
  const [sqsStart, dynamoStart, komboStart] = await Promise.allSettled([
    startService('sqs', options, () => startLocalSqs({ port: ports.sqs, host })),
    startService('dynamodb', options, () => startLocalDynamo({ port: ports.dynamodb, host })),
    startService('kombo', options, () => startFakeKombo({ port: ports.kombo, host, seed: 7 })),
  ]);
  const closeStarted = () =>
    Promise.all(
      [sqsStart, dynamoStart, komboStart].map((start) => (start.status === 'fulfilled' ? start.value.close() : null)),
    );
  if (sqsStart.status === 'rejected' || dynamoStart.status === 'rejected' || komboStart.status === 'rejected') {
    await closeStarted();
    const failures: unknown[] = [sqsStart, dynamoStart, komboStart].flatMap((start) =>
      start.status === 'rejected' ? [start.reason] : [],
    );
    const unexpected = failures.find((failure) => !(failure instanceof LocalAwsStartError));
    if (unexpected !== undefined) throw unexpected;
    throw new LocalAwsStartError(failures.map((failure) => (failure as LocalAwsStartError).message).join('; '));
  }
  const [sqs, dynamo, kombo] = [sqsStart.value, dynamoStart.value, komboStart.value];
  try {
    const { queueUrl, deadLetterQueueUrl } = await sqs.createSyncJobsQueue(SYNC_JOBS_QUEUE);
    await Promise.all([dynamo.createTable(RECORDS_TABLE), dynamo.createTable(STATE_TABLE)]);
    for (const integration of SAMPLE_INTEGRATIONS) {
      kombo.addIntegration({ id: integration.id, category: integration.category });
      for (const [resource, count] of Object.entries(integration.seeds)) kombo.seed(integration.id, resource, count);
    }
    return {
      served: {
        sqsEndpoint: sqs.endpoint,
        dynamodbEndpoint: dynamo.endpoint,
        komboApiUrl: kombo.baseUrl,
        komboApiKey: kombo.apiKey,
        queueUrl,
        deadLetterQueueUrl,
        recordsTable: RECORDS_TABLE,
        stateTable: STATE_TABLE,
      },
      sqs,
      dynamo,
      kombo,
      close: async () => void (await closeStarted()),
    };
  } catch (error) {
    await closeStarted();
    throw error;
  }
}
