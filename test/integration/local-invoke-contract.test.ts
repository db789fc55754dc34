import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV, type SyncFunctionName } from '../../lambdas/contracts';
import { localFunctionEnvironments, type SamEnvFile, samEnvFile } from '../../local/sam/env-file';
import { localInvokeStack } from '../../local/sam/function-ids';
import { inspectLocalAws } from '../../local/sam/inspect';
import { type LocalAws, startLocalAws } from '../../local/sam/local-aws';
import { CONTAINER_HOSTNAME, ENV_FILE, LOCAL_INVOKE_OUTDIR } from '../../local/sam/settings';
import { readTestWebhookSecret } from '../../local/test-webhook-secret';
import { type LocalInvocations, localInvocations } from '../support/local-invocations';
import { samEnvironment } from '../support/sam-environment';
import { synthTemplate } from '../support/synth';

/**
 * The contract SAM enforces, checked without Docker: the env file `npm run local:aws` writes sets only variables
 * the local-invoke template declares, for each function, and points at what `npm run local:aws` serves; with the
 * environment SAM would build from the two, each function runs the sample events against those services.
 */
const root = path.resolve(import.meta.dirname, '../..');
const DESCRIPTIONS: Record<SyncFunctionName, RegExp> = {
  webhook: /verifies Kombo webhooks/,
  worker: /runs sync jobs/,
  fullSync: /plans full syncs/,
};
const NAMES = Object.keys(DESCRIPTIONS) as SyncFunctionName[];

let local: LocalAws;
let resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
let ids: Record<SyncFunctionName, string>;
let envFile: SamEnvFile;
let run: LocalInvocations;

const portsOf = (served: LocalAws['served']) => ({
  sqs: Number(new URL(served.sqsEndpoint).port),
  dynamodb: Number(new URL(served.dynamodbEndpoint).port),
  kombo: Number(new URL(served.komboApiUrl).port),
});
const declaredBy = (logicalId: string) =>
  ((resources[logicalId]?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;

beforeAll(async () => {
  local = await startLocalAws({ host: '127.0.0.1', ports: { sqs: 0, dynamodb: 0, kombo: 0 } });
  resources = synthTemplate({ context: { localInvoke: 'true' } }).toJSON().Resources;
  ({ functionIds: ids } = localInvokeStack());
  const webhookSecret = readTestWebhookSecret();
  envFile = samEnvFile(localFunctionEnvironments({ served: local.served, webhookSecret }), ids);
  // The same file with the services reached on loopback, as this process reaches them.
  const onLoopback = samEnvFile(
    localFunctionEnvironments({ served: local.served, webhookSecret, reachAs: '127.0.0.1' }),
    ids,
  );
  expect(JSON.stringify(onLoopback)).toBe(JSON.stringify(envFile).replaceAll(CONTAINER_HOSTNAME, '127.0.0.1'));
  const environments = Object.fromEntries(
    NAMES.map((name) => [name, samEnvironment(ids[name], declaredBy(ids[name]), onLoopback[ids[name]] ?? {})]),
  ) as Record<SyncFunctionName, Record<string, string>>;
  run = localInvocations(local, environments);
});

afterAll(async () => {
  run?.close();
  await local?.close();
});

describe('the env file and the local-invoke template', () => {
  it.each(NAMES)('keys %s by its logical id in the template', (name) => {
    expect(resources[ids[name]]?.Type).toBe('AWS::Lambda::Function');
    expect(String(resources[ids[name]]?.Properties?.Description)).toMatch(DESCRIPTIONS[name]);
  });

  it.each(NAMES)('sets only variables the %s function declares (SAM drops the others)', (name) => {
    const undeclared = Object.keys(envFile[ids[name]] ?? {}).filter((variable) => !(variable in declaredBy(ids[name])));
    expect(undeclared).toEqual([]);
  });

  it('points every function at what local:aws serves, through the host name containers reach it by', () => {
    const reached = (url: string) => url.replace('127.0.0.1', CONTAINER_HOSTNAME);
    for (const name of NAMES) {
      expect(envFile[ids[name]]).toMatchObject({
        [ENV.syncJobsQueueUrl]: local.served.queueUrl,
        [ENV.stateTable]: local.served.stateTable,
        [ENV.localSqsEndpoint]: reached(local.served.sqsEndpoint),
        [ENV.localDynamoDbEndpoint]: reached(local.served.dynamodbEndpoint),
      });
    }
    // Each function's secret ARN cleared (the overrides count only then), and no function gets the other's.
    expect(envFile[ids.webhook]).toMatchObject({ [ENV.webhookSecretArn]: '' });
    for (const name of ['worker', 'fullSync'] as const) {
      expect(envFile[ids[name]]).toMatchObject({ [ENV.apiKeySecretArn]: '' });
      expect(envFile[ids[name]]).not.toHaveProperty(ENV.webhookSecretArn);
    }
    expect(envFile[ids.webhook]).not.toHaveProperty(ENV.apiKeySecretArn);
    expect(envFile[ids.worker]).toMatchObject({
      [ENV.recordsTable]: local.served.recordsTable,
      [ENV.deadLetterQueueUrl]: local.served.deadLetterQueueUrl,
      [ENV.komboApiUrl]: reached(local.served.komboApiUrl),
      [ENV.localKomboApiKey]: local.served.komboApiKey,
    });
  });

  it('says which port is taken and how to move, when one is', async () => {
    await expect(startLocalAws({ host: '127.0.0.1', ports: portsOf(local.served) })).rejects.toThrow(
      /^sqs: 127\.0\.0\.1:\d+ is in use; stop what uses it or pass --sqs-port; dynamodb: .* pass --dynamodb-port; kombo: .* pass --kombo-port$/,
    );
  });

  it('names queues fauxqs serves by exactly those URLs, and tables that exist', async () => {
    for (const QueueUrl of [local.served.queueUrl, local.served.deadLetterQueueUrl]) {
      const { Attributes } = await local.sqs.client.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['FifoQueue'] }),
      );
      expect(Attributes?.FifoQueue).toBe('true');
    }
    expect(await run.tableNames()).toEqual([local.served.recordsTable, local.served.stateTable].sort());
  });
});

describe('each function under sam local, on the sample events', () => {
  it('webhook: 401 for the bad signature, 200 for the signed events, and their jobs on the queue', async () => {
    expect((await run.webhook('webhook-bad-signature.json')).statusCode).toBe(401);
    expect(await run.jobs()).toEqual([]);
    const created = await run.webhook('webhook-integration-created.json');
    expect(created).toMatchObject({ statusCode: 200, body: { status: 'accepted' } });
    expect(await run.webhook('webhook-data-changed.json')).toEqual({
      statusCode: 200,
      body: { status: 'accepted', jobs: 3, resources: expect.any(Array) },
    });
    expect(await run.webhook('webhook-integration-state-changed.json')).toMatchObject({
      statusCode: 200,
      body: { status: 'accepted', state: 'ACTIVE' },
    });
    const jobs = await run.jobs();
    expect(jobs.filter((job) => job.kind === 'delta').map((job) => job.resource)).toHaveLength(3);
    expect(jobs.filter((job) => job.kind === 'full').length).toBeGreaterThanOrEqual(created.body.jobs as number);
  });

  it('worker: writes the records of the valid jobs, dead-letters the invalid message', async () => {
    expect(await run.worker('worker-sqs-batch.json')).toEqual({ batchItemFailures: [] });
    expect(await run.recordCount('personio:sample123', 'hris/employees')).toBe(250);
    expect(await run.recordCount('personio:sample123', 'hris/absences')).toBe(120);
    const [deadLetter, ...others] = await run.deadLetters();
    expect(others).toEqual([]);
    expect(deadLetter?.messageAttributes?.reason?.StringValue).toMatch(/not a sync job: resource/);
  });

  it('full-sync: the schedule and on-demand events enqueue jobs, the register event asks the fake Kombo', async () => {
    const before = (await run.jobs()).length;
    expect(await run.fullSync('full-sync-schedule.json')).toMatchObject({ integrations: 1, jobs: 1 });
    expect(await run.fullSync('full-sync-on-demand.json')).toMatchObject({ integrations: 1, jobs: 2 });
    expect(await run.fullSync('full-sync-register.json')).toMatchObject({
      results: [{ id: 'greenhouse:sample456', result: 'registered' }],
    });
    expect((await run.jobs()).length).toBeGreaterThan(before + 3);
  });

  it('webhook: integration-deleted enqueues the purge', async () => {
    expect(await run.webhook('webhook-integration-deleted.json')).toMatchObject({ statusCode: 200 });
    expect((await run.jobs()).filter((job) => job.kind === 'purge')).toHaveLength(1);
  });

  it('npm run local:aws -- inspect shows what they left, and takes nothing off the queues', async () => {
    const before = (await run.jobs()).length;
    const where = { host: '127.0.0.1', ports: portsOf(local.served) };
    const lines = await inspectLocalAws(where);
    expect(lines).toContain(`queue sync-jobs.fifo: ${before} waiting, 0 in flight`);
    expect(lines).toContain('queue sync-jobs-dlq.fifo: 1 waiting, 0 in flight');
    expect(lines).toContain('  personio:sample123#hris/employees  250');
    expect(lines).toContain('registry: greenhouse:sample456 ACTIVE');
    expect((await run.jobs()).length).toBe(before);
  });
});

describe('the README', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  // Each `sam local invoke <id> -t …` and `sam local start-api -t …` command, continuation lines included, as the
  // words a shell would pass.
  const commands = [...readme.matchAll(/sam local (?:invoke \w+|start-api) -t(?:[^\n\\]|\\\n)*/g)].map((match) =>
    match[0].replaceAll('\\\n', ' ').trim().split(/\s+/),
  );
  const flagValue = (words: string[], flag: string) => words[words.indexOf(flag) + 1];

  it('invokes each function by its logical id, with the local-invoke template, the env file and existing events', () => {
    const invokes = commands.filter((words) => words[2] === 'invoke');
    expect(new Set(invokes.map((words) => words[3]))).toEqual(new Set(Object.values(ids)));
    for (const words of commands) {
      expect(flagValue(words, '-t')).toBe(`${LOCAL_INVOKE_OUTDIR}/KomboSyncStack.template.json`);
      expect(flagValue(words, '--env-vars')).toBe(ENV_FILE);
      expect(flagValue(words, '--add-host')).toBe(`${CONTAINER_HOSTNAME}:host-gateway`);
      expect(words).toContain('--skip-pull-image');
    }
    for (const [event] of readme.matchAll(/events\/[\w-]+\.json/g)) {
      expect(() => readFileSync(path.join(root, event))).not.toThrow();
    }
  });
});
