/**
 * `npm run invoke:webhook -- events/<file>.json`: runs the webhook function's bundle from the local-invoke
 * template in .local/cdk.out (run `npm run synth:local-invoke` first; a deployable bundle takes no local secret) on an API Gateway event, against in-process SQS and DynamoDB servers, and prints
 * the response and the jobs it enqueued, with the environment `sam local invoke --env-vars .local/env.json` gives
 * it. A stand-in for `sam local invoke` where Docker is missing.
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { drainQueue } from './aws/drain-queue';
import { localAwsEnvironment } from './aws/environment';
import { bundledFunction, WEBHOOK_FUNCTION } from './cdk-out';
import { localFunctionEnvironments } from './sam/env-file';
import { startLocalAws } from './sam/local-aws';
import { LOCAL_INVOKE_OUTDIR } from './sam/settings';
import { readTestWebhookSecret } from './test-webhook-secret';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const eventFile = process.argv[2] ?? 'events/webhook-data-changed.json';
const stackName = process.env.STACK_NAME ?? 'KomboSyncStack';
const root = path.resolve(import.meta.dirname, '..');

const assembly = path.join(root, LOCAL_INVOKE_OUTDIR);
if (!existsSync(path.join(assembly, `${stackName}.template.json`))) {
  console.error(
    `no local-invoke template of ${stackName} in ${LOCAL_INVOKE_OUTDIR}: run \`npm run synth:local-invoke\` first`,
  );
  process.exit(2);
}
const { entry } = bundledFunction(assembly, stackName, WEBHOOK_FUNCTION);
// What `npm run local:aws` serves, on loopback and free ports, in this process.
const local = await startLocalAws({ host: '127.0.0.1', ports: { sqs: 0, dynamodb: 0, kombo: 0 } });
try {
  const { served } = local;
  // The variables `sam local invoke` would give the function from .local/env.json, and the credentials it sets.
  const { webhook } = localFunctionEnvironments({
    served,
    webhookSecret: readTestWebhookSecret(),
    reachAs: '127.0.0.1',
  });
  Object.assign(
    process.env,
    localAwsEnvironment({ sqs: served.sqsEndpoint, dynamodb: served.dynamodbEndpoint }),
    webhook,
  );
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
  const event = JSON.parse(readFileSync(path.resolve(eventFile), 'utf8')) as APIGatewayProxyEventV2;
  const context = { functionName: 'webhook', awsRequestId: 'local', getRemainingTimeInMillis: () => 10_000 } as Context;
  const response = await handler(event, context);
  console.log(JSON.stringify({ response }, null, 2));

  const jobs = (await drainQueue(local.sqs.client, served.queueUrl)).map((m) => ({
    messageGroupId: m.Attributes?.MessageGroupId,
    job: JSON.parse(m.Body ?? 'null') as unknown,
  }));
  console.log(JSON.stringify({ enqueued: jobs }, null, 2));
} finally {
  await local.close();
}
