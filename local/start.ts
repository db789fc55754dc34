/**
 * `npm start`: the whole pipeline on this machine, nothing from AWS. A fake Kombo, SQS (fauxqs) and
 * DynamoDB (dynalite) in this process, the three Lambda handlers behind a local webhook endpoint,
 * a queue poller and an on-demand full sync. It registers two demo integrations the way Kombo would
 * (signed `integration-created` webhooks), lets them backfill, changes a record and sends
 * `data-changed`, runs a full sync, prints what the mirror holds, and then keeps serving webhooks
 * until Ctrl-C. `npm start -- --once` stops after the demo (exit code 1 if the mirror is wrong).
 * While it serves, `.local/runtime.json` says where everything is, for the operator CLI's `--local`.
 */
import './runtime/quiet-env';
import { startPipeline } from './pipeline';
import { DEFAULT_RUNTIME_FILE, removeRuntimeFile, writeRuntimeFile } from './runtime/runtime-file';
import { readTestWebhookSecret, TEST_WEBHOOK_SECRET_FILE } from './test-webhook-secret';

const once = process.argv.includes('--once');

const DEMO = [
  { id: 'greenhouse:demo', category: 'ATS', seeds: { 'ats/candidates': 300, 'ats/applications': 400, 'ats/jobs': 25 } },
  { id: 'personio:demo', category: 'HRIS', seeds: { 'hris/employees': 250, 'hris/absences': 120 } },
] as const;

const webhookSecret = readTestWebhookSecret();
const pipeline = await startPipeline({
  kombo: { seed: 7 },
  webhookSecret,
  workerEnv: { COALESCE_WINDOW_SECONDS: '0.2' },
});
const say = (line: string) => console.log(`[kombo-sync] ${line}`);

say('running locally; every protocol is real, everything listens on 127.0.0.1:');
say(`  webhook endpoint  POST ${pipeline.webhook.url}   (sign with the test secret in ${TEST_WEBHOOK_SECRET_FILE})`);
say(`  fake Kombo API    ${pipeline.kombo.baseUrl}   (admin: ${pipeline.kombo.adminUrl})`);
say(`  DynamoDB          ${pipeline.dynamo.endpoint}   tables kombo-sync-records, kombo-sync-state`);
say(`  SQS               ${pipeline.sqs.endpoint}   queue ${pipeline.queueUrl}`);
say(`  Lambda (invoke)   ${pipeline.lambda.endpoint}   function ${pipeline.lambda.fullSyncFunctionName}`);

let failures = 0;
const drain = async () => {
  const reports = await pipeline.runWorker();
  failures += reports.filter((report) => report.failed > 0 || report.crashed).length;
  return reports.length;
};
const sendWebhook = async (type: string, data: Record<string, unknown>) => {
  const delivery = await pipeline.kombo.sendWebhook({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    type,
    data,
  });
  say(`  ${type} → ${delivery.status} ${delivery.body}`);
};

for (const integration of DEMO) {
  pipeline.kombo.addIntegration({ id: integration.id, category: integration.category });
  for (const [resource, count] of Object.entries(integration.seeds))
    pipeline.kombo.seed(integration.id, resource, count);
  await sendWebhook('integration-created', {
    id: integration.id,
    tool: integration.id.split(':')[0],
    category: integration.category,
    end_user: {
      organization_name: 'Demo Co',
      creator_email: null,
      origin_id: `demo-${integration.category.toLowerCase()}`,
    },
  });
}
say(`backfill: ${await drain()} worker invocation(s)`);

const [employee] = pipeline.kombo.records('personio:demo', 'hris/employees');
if (employee) pipeline.kombo.update('personio:demo', 'hris/employees', employee.id, { first_name: 'Changed' });
const delivery = await pipeline.kombo.sendDataChanged({
  url: pipeline.webhook.url,
  secret: pipeline.webhookSecret,
  integrationId: 'personio:demo',
  changedModels: ['hris_employees'],
});
say(`data-changed → ${delivery.status}; delta: ${await drain()} worker invocation(s)`);

await pipeline.invokeFullSync({ integration_id: 'greenhouse:demo' });
say(`on-demand full sync of greenhouse:demo: ${await drain()} worker invocation(s)`);

let wrong = 0;
for (const integration of DEMO) {
  for (const resource of Object.keys(integration.seeds)) {
    const stored = await pipeline.storedRecords(integration.id, resource);
    const upstream = pipeline.kombo.records(integration.id, resource, { includeDeleted: true });
    const ok = stored.length === upstream.length;
    if (!ok) wrong++;
    say(
      `  ${integration.id} ${resource}: ${stored.length} stored, ${upstream.length} upstream ${ok ? 'ok' : 'MISMATCH'}`,
    );
  }
}
const changed = (await pipeline.storedRecords('personio:demo', 'hris/employees')).find(
  (item) => item.id === employee?.id,
);
say(
  `  the changed employee reads first_name = ${JSON.stringify((changed?.data as { first_name?: unknown } | undefined)?.first_name)}`,
);

if (once) {
  await pipeline.close();
  const healthy = wrong === 0 && failures === 0;
  say(
    healthy
      ? 'demo done: the mirror matches upstream'
      : `demo FAILED: ${wrong} mismatch(es), ${failures} failed invocation(s)`,
  );
  process.exit(healthy ? 0 : 1);
}

writeRuntimeFile(pipeline.runtime());
process.once('exit', () => removeRuntimeFile());
say(`published for \`npx kombo-sync <command> --local\`: ${DEFAULT_RUNTIME_FILE}`);
say('serving: send webhooks to the endpoint above (or drive the fake through its admin API); Ctrl-C stops');
const poller = setInterval(() => {
  void drain().then((invocations) => {
    if (invocations > 0) say(`worker ran ${invocations} invocation(s)`);
  });
}, 500);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(poller);
    void pipeline.close().then(() => process.exit(0));
  });
}
