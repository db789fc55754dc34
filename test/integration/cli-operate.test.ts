import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../local/pipeline';
import { CLI_ATS, CLI_HRIS, cli, startCliPipeline } from '../support/cli';
import { sendWebhook } from '../support/pipeline-jobs';

/**
 * `register`, `dlq`, `purge` and `cutover-check` against the local runtime, in this process (see
 * cli-status-verify.test.ts).
 */
const HRIS = CLI_HRIS;
const ATS = CLI_ATS;
let pipeline: Pipeline;
let env: Record<string, string>;
let directory: string;
let close: () => Promise<void>;

const local = (args: string[], options: { answer?: string } = {}) => cli([...args, '--local'], { env, ...options });

beforeAll(async () => {
  ({ pipeline, env, directory, close } = await startCliPipeline(29));
});
afterAll(async () => close?.());

describe('register', () => {
  it('registers ids (args and a file) through the full-sync function; unknown ones are named', async () => {
    pipeline.kombo.addIntegration({ id: 'personio:later', category: 'HRIS' });
    pipeline.kombo.seed('personio:later', 'hris/employees', 7);
    const file = path.join(directory, 'ids.txt');
    writeFileSync(file, '# migrated from the old handler\npersonio:unknown\n\n');
    const run = await local(['register', 'personio:later', HRIS, '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/personio:later\s+registered/);
    expect(run.stdout).toMatch(new RegExp(`${HRIS}\\s+already registered`));
    expect(run.stdout).toMatch(/personio:unknown\s+not found/);
    expect(run.stdout).toContain('1 registered, 1 already registered, 1 not found');
    await pipeline.runWorker();
    expect((await local(['status', 'personio:later'])).stdout).toMatch(/hris\/employees\s+7 \(\+0 deleted\)/);
  });

  it('needs ids', async () => {
    expect(await local(['register'])).toMatchObject({
      code: 2,
      stderr: 'kombo-sync: no integration ids: name them, or pass --file ids.txt\n',
    });
  });
});

describe('dlq', () => {
  it('lists a dead-lettered job with its reason, redrives it, and the worker runs it', async () => {
    // An invalid message: the worker moves it to the dead-letter queue with the reason.
    await pipeline.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: pipeline.queueUrl,
        MessageBody: '{"v":9,"kind":"delta"}',
        MessageGroupId: 'broken',
        MessageDeduplicationId: 'broken-1',
      }),
    );
    await pipeline.runWorker();
    // A valid job given up on (as after 5 failed receives), straight into the dead-letter queue.
    const job = { v: 1, kind: 'delta', integrationId: ATS, resource: 'ats/jobs' };
    await pipeline.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: pipeline.deadLetterQueueUrl,
        MessageBody: JSON.stringify(job),
        MessageGroupId: `${ATS}#ats/jobs`,
        MessageDeduplicationId: 'given-up-1',
      }),
    );

    const listed = await local(['dlq', 'list', '--queue', 'sync-jobs']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("sync-jobs (sync-jobs queue's dead-letter queue): 2 message(s)");
    expect(listed.stdout).toMatch(/invalid message\s+not a sync job: /);
    expect(listed.stdout).toMatch(new RegExp(`delta ${ATS} ats/jobs\\s+given up after 0 receives`));
    const json = JSON.parse((await local(['dlq', 'list', '--json'])).stdout) as {
      queue: string;
      messages: { messageId: string; what: string }[];
    }[];
    const valid = json[0]!.messages.find((message) => message.what === `delta ${ATS} ats/jobs`)!;
    // Listing leaves everything in place.
    expect(json[0]!.messages).toHaveLength(2);

    const redriven = await local(['dlq', 'redrive', valid.messageId]);
    expect(redriven).toMatchObject({ code: 0, stdout: 'sync-jobs: redrove 1 message(s)\n' });
    const [report] = await pipeline.runWorker();
    expect(report).toMatchObject({ messages: 1, failed: 0 });
    const remaining = JSON.parse((await local(['dlq', 'list', '--queue', 'sync-jobs', '--json'])).stdout) as {
      messages: { what: string }[];
    }[];
    expect(remaining[0]!.messages.map((message) => message.what)).toEqual(['invalid message']);

    expect((await local(['dlq', 'redrive', 'no-such-message'])).code).toBe(1);
    expect((await local(['dlq', 'redrive', '--all', '--queue', 'sync-jobs'])).stdout).toBe(
      'sync-jobs: redrove 1 message(s)\n',
    );
    // The invalid job is invalid still: the worker dead-letters it again.
    await pipeline.runWorker();
    expect((await local(['dlq', 'list', '--queue', 'sync-jobs'])).stdout).toContain('1 message(s)');
  });

  it('redrives a failed full-sync invocation to the function, which now succeeds', async () => {
    const request = { integration_id: 'personio:late' };
    const failed = await pipeline.invokeFullSyncAsync(request);
    expect(failed.succeeded).toBe(false);
    const listed = await local(['dlq', 'list', '--queue', 'full-sync']);
    expect(listed.stdout).toMatch(/full sync personio:late\s+PlanError: integration personio:late is not registered/);

    pipeline.kombo.addIntegration({ id: 'personio:late', category: 'HRIS' });
    await sendWebhook(pipeline, 'integration-created', { id: 'personio:late', tool: 'personio', category: 'HRIS' });
    await pipeline.runWorker();
    expect((await local(['dlq', 'redrive', '--all', '--queue', 'full-sync'])).stdout).toBe(
      'full-sync: redrove 1 message(s)\n',
    );
    // Asynchronous, as the schedule invokes it: the jobs arrive shortly.
    await expect.poll(async () => (await pipeline.runWorker()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await local(['dlq', 'list', '--queue', 'full-sync'])).stdout).toContain('empty');
  });

  it('asks for message ids or --all', async () => {
    expect((await local(['dlq', 'redrive'])).stderr).toBe(
      'kombo-sync: name the messages to redrive, or pass --all (not both)\n',
    );
  });
});

describe('purge', () => {
  it('asks first; a wrong answer changes nothing; confirmed, it purges', async () => {
    const refused = await local(['purge', ATS]);
    expect(refused).toMatchObject({ code: 2 });
    expect(refused.stderr).toBe(
      'kombo-sync: refusing to purge without confirmation: run it in a terminal, or pass --yes\n',
    );
    const wrong = await local(['purge', ATS], { answer: 'no' });
    expect(wrong).toMatchObject({ code: 1, stdout: 'not confirmed: nothing changed\n' });
    expect(wrong.stderr).toContain(`This deletes 35 record(s) of 2 resource(s) and all sync state of ${ATS}`);
    expect(await pipeline.storedRecords(ATS, 'ats/candidates')).toHaveLength(30);

    const confirmed = await local(['purge', ATS], { answer: ATS });
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain(`${ATS} marked deleted; purge enqueued`);
    await pipeline.runWorker();
    expect(await pipeline.storedRecords(ATS, 'ats/candidates')).toEqual([]);
    expect((await local(['status'])).stdout).toMatch(
      new RegExp(`${ATS}\\s+greenhouse\\s+ATS\\s+DELETED\\s.*\\sdeleted\\n`),
    );
  });
});

describe('cutover-check', () => {
  it('says not yet while data-changed has not arrived, and safe once it has and the queues are empty', async () => {
    const before = await local(['cutover-check']);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`${HRIS}: no data-changed received yet`);
    expect(before.stdout).toContain('sync-jobs queue: 1 message(s) (kombo-sync dlq list)');
    expect(before.stdout).toMatch(/NOT YET: \d of \d integration\(s\) not ready; sync-jobs queue\(s\) not empty/);

    // The invalid job goes for good (aws sqs purge-queue), and every integration gets data-changed events
    // followed by deltas.
    await pipeline.sqs.client.send(new PurgeQueueCommand({ QueueUrl: pipeline.deadLetterQueueUrl }));
    for (const id of [HRIS, 'personio:later', 'personio:late']) {
      for (let event = 0; event < 2; event++) {
        await pipeline.kombo.sendDataChanged({
          url: pipeline.webhook.url,
          secret: pipeline.webhookSecret,
          integrationId: id,
          changedModels: ['hris_employees'],
        });
      }
    }
    await pipeline.runWorker();
    const json = JSON.parse((await local(['cutover-check', '--json'])).stdout) as {
      safe: boolean;
      integrations: { integrationId: string; ready: boolean; reasons: string[] }[];
    };
    expect(json.integrations.filter((entry) => !entry.ready)).toEqual([]);
    expect(json.safe).toBe(true);
    const after = await local(['cutover-check']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('SAFE: all 3 integration(s) get data-changed events followed by syncs');
  });
});
