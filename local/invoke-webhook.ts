/**
 * `npm run invoke:webhook -- events/<file>.json`: runs the webhook function's bundle from cdk.out
 * (run `npx cdk synth` first) on an API Gateway event, against in-process SQS and DynamoDB servers, and prints
 * the response and the jobs it enqueued. A stand-in for `sam local invoke` where Docker is missing.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { drainQueue } from './aws/drain-queue';
import { startLocalDynamo } from './aws/dynamo-server';
import { localAwsEnvironment } from './aws/environment';
import { startLocalSqs } from './aws/sqs-server';
import { bundledFunction, WEBHOOK_FUNCTION } from './cdk-out';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const eventFile = process.argv[2] ?? 'events/webhook-data-changed.json';
const stackName = process.env.STACK_NAME ?? 'KomboSyncStack';
const root = path.resolve(import.meta.dirname, '..');

const { entry } = bundledFunction(path.join(root, 'cdk.out'), stackName, WEBHOOK_FUNCTION);
const sqs = await startLocalSqs();
const dynamo = await startLocalDynamo();
try {
  const { queueUrl } = await sqs.createSyncJobsQueue('sync-jobs');
  await dynamo.createTable('kombo-sync-state');
  const env = JSON.parse(readFileSync(path.join(root, 'events/env.json'), 'utf8')) as {
    Parameters: Record<string, string>;
  };
  Object.assign(process.env, env.Parameters, localAwsEnvironment({ sqs: sqs.endpoint, dynamodb: dynamo.endpoint }), {
    SYNC_JOBS_QUEUE_URL: queueUrl,
    STATE_TABLE: 'kombo-sync-state',
  });
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
  const event = JSON.parse(readFileSync(path.resolve(eventFile), 'utf8')) as APIGatewayProxyEventV2;
  const context = { functionName: 'webhook', awsRequestId: 'local', getRemainingTimeInMillis: () => 10_000 } as Context;
  const response = await handler(event, context);
  console.log(JSON.stringify({ response }, null, 2));

  const jobs = (await drainQueue(sqs.client, queueUrl)).map((m) => ({
    messageGroupId: m.Attributes?.MessageGroupId,
    job: JSON.parse(m.Body ?? 'null') as unknown,
  }));
  console.log(JSON.stringify({ enqueued: jobs }, null, 2));
} finally {
  await sqs.close();
  await dynamo.close();
}
