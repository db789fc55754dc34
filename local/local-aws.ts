/**
 * `npm run local:aws`: what `sam local invoke` runs the bundled functions against, where SAM's containers reach
 * it. SQS, DynamoDB (with the stack's queue and tables) and the fake Kombo (with the sample integration) on fixed
 * ports of the Docker bridge's address, and `.local/env.json` for `sam local … --env-vars`. Runs until Ctrl-C.
 * `npm run local:aws -- inspect` prints what a running one holds. See README "Run the bundled functions locally".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseLocalAwsArgs, USAGE, UsageError } from './sam/cli-args';
import { localFunctionEnvironments, samEnvFile } from './sam/env-file';
import { localInvokeStack } from './sam/function-ids';
import { inspectLocalAws } from './sam/inspect';
import { LocalAwsStartError, startLocalAws } from './sam/local-aws';
import { ENV_FILE, LOCAL_AWS_PORTS, LOCAL_INVOKE_OUTDIR, SAMPLE_INTEGRATIONS } from './sam/settings';
import { readTestWebhookSecret } from './test-webhook-secret';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = path.resolve(import.meta.dirname, '..');
const say = (line: string) => console.log(`[local:aws] ${line}`);

let args: ReturnType<typeof parseLocalAwsArgs>;
try {
  args = parseLocalAwsArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}

if (args.command === 'help') {
  console.log(USAGE);
  process.exit(0);
}

if (args.command === 'inspect') {
  try {
    for (const line of await inspectLocalAws(args)) console.log(line);
  } catch (error) {
    console.error(`[local:aws] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  process.exit(0);
}

const { stackName, functionIds } = localInvokeStack();
let local: Awaited<ReturnType<typeof startLocalAws>>;
try {
  local = await startLocalAws({ host: args.host, ports: args.ports });
} catch (error) {
  if (!(error instanceof LocalAwsStartError)) throw error;
  console.error(`[local:aws] ${error.message}`);
  process.exit(1);
}
const environments = localFunctionEnvironments({
  served: local.served,
  webhookSecret: readTestWebhookSecret(),
  reachAs: args.reachAs,
});
const envFile = samEnvFile(environments, functionIds);
mkdirSync(path.join(root, path.dirname(ENV_FILE)), { recursive: true });
writeFileSync(path.join(root, ENV_FILE), `${JSON.stringify(envFile, null, 2)}\n`);

const { served } = local;
const template = `${LOCAL_INVOKE_OUTDIR}/${stackName}.template.json`;
const sam = `--env-vars ${ENV_FILE} --skip-pull-image --add-host host.docker.internal:host-gateway`;
say(`listening on ${args.host} (from ${args.hostFrom}):`);
say(`  SQS         ${served.sqsEndpoint}   queues sync-jobs.fifo, sync-jobs-dlq.fifo`);
say(`  DynamoDB    ${served.dynamodbEndpoint}   tables ${served.recordsTable}, ${served.stateTable}`);
const integrations = SAMPLE_INTEGRATIONS.map((integration) => integration.id).join(', ');
say(`  fake Kombo  ${served.komboApiUrl}   integrations ${integrations} (admin: ${local.kombo.adminUrl})`);
say(`wrote ${ENV_FILE} for ${Object.values(functionIds).join(', ')}`);
say('next, in another terminal:');
say('  npm run synth:local-invoke');
say(`  sam local invoke ${functionIds.webhook} -t ${template} -e events/webhook-data-changed.json ${sam}`);
say(`  sam local invoke ${functionIds.worker} -t ${template} -e events/worker-sqs-batch.json ${sam}`);
say(`  sam local invoke ${functionIds.fullSync} -t ${template} -e events/full-sync-schedule.json ${sam}`);
// The flags that make `inspect` look where this one serves.
const sameFlags = [
  args.hostFrom === '--host' ? `--host ${args.host}` : '',
  ...(['sqs', 'dynamodb', 'kombo'] as const).map((service) =>
    args.ports[service] === LOCAL_AWS_PORTS[service] ? '' : `--${service}-port ${args.ports[service]}`,
  ),
].filter(Boolean);
say(`  npm run local:aws -- inspect ${sameFlags.join(' ')}`.trimEnd());
say('Ctrl-C stops');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void local.close().then(() => {
      say('stopped');
      process.exit(0);
    });
  });
}
