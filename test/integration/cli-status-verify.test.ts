import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPartition } from '../../lambdas/core/table-keys';
import { type Pipeline, RECORDS_TABLE } from '../../local/pipeline';
import { CLI_ATS, CLI_HRIS, cli, startCliPipeline } from '../support/cli';

/**
 * `status`, `verify` and `sync` against the local runtime, in this process: the in-process pipeline (fake Kombo,
 * fauxqs, dynalite behind the AWS-rules layer, the Lambda Invoke emulation) published as `npm start` does.
 */
const HRIS = CLI_HRIS;
const ATS = CLI_ATS;
let pipeline: Pipeline;
let env: Record<string, string>;
let close: () => Promise<void>;

const local = (args: string[], options: { answer?: string } = {}) => cli([...args, '--local'], { env, ...options });

beforeAll(async () => {
  ({ pipeline, env, close } = await startCliPipeline(23));
});
afterAll(async () => close?.());

describe('status', () => {
  it('lists every integration, one line each, and as JSON', async () => {
    const run = await local(['status']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^INTEGRATION\s+TOOL\s+CATEGORY\s+STATE\s+CADENCE/);
    expect(run.stdout).toMatch(new RegExp(`\\n${HRIS}\\s+personio\\s+HRIS\\s+ACTIVE\\s+unknown\\s+-`));
    expect(run.stdout).toMatch(new RegExp(`\\n${ATS}\\s+greenhouse\\s+ATS\\s+ACTIVE`));
    // Registered by integration-created only: no data-changed yet, which the health says.
    expect(run.stdout).toContain('no data-changed received yet');

    const json = JSON.parse((await local(['status', '--json'])).stdout) as { id: string; health: string }[];
    expect(json.map((entry) => entry.id).sort()).toEqual([ATS, HRIS]);
  });

  it('shows one integration per resource: records, lag, last success, last full sync', async () => {
    const run = await local(['status', HRIS]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${HRIS}  personio HRIS  state ACTIVE`);
    expect(run.stdout).toMatch(/hris\/employees\s+40 \(\+0 deleted\)/);
    expect(run.stdout).toMatch(/hris\/absences\s+15 \(\+0 deleted\)/);
    expect(run.stdout).toMatch(/ago: 40 live, 0 candidates, swept 0/);

    const json = JSON.parse((await local(['status', HRIS, '--json'])).stdout) as {
      resources: { resource: string; records: { live: number }; deltaCursor: string }[];
    };
    expect(json.resources.map((resource) => [resource.resource, resource.records.live])).toEqual([
      ['hris/absences', 15],
      ['hris/employees', 40],
    ]);
  });

  it('names an unknown integration in one line, exit code 2', async () => {
    const run = await local(['status', 'personio:nobody']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(
      'kombo-sync: integration personio:nobody is not registered (see `kombo-sync status`, `kombo-sync register`)\n',
    );
  });
});

describe('verify and sync', () => {
  it('finds no drift in a mirror that matches Kombo', async () => {
    const run = await local(['verify', HRIS]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hris/employees: 40 compared: in sync');
    expect(run.stdout).toContain(`no drift: ${HRIS} matches Kombo`);
  });

  it('finds a record changed upstream without a webhook, one deleted in the mirror, one gone upstream, one differing', async () => {
    const [changed, deletedByHand, vanished] = pipeline.kombo.records(HRIS, 'hris/employees');
    const [absence] = pipeline.kombo.records(HRIS, 'hris/absences');
    pipeline.kombo.update(HRIS, 'hris/employees', changed!.id, { first_name: 'Silently' });
    pipeline.kombo.vanish(HRIS, 'hris/employees', vanished!.id);
    await pipeline.dynamo.documents.send(
      new DeleteCommand({
        TableName: RECORDS_TABLE,
        Key: { pk: recordPartition(HRIS, 'hris/employees'), sk: deletedByHand!.id },
      }),
    );
    // The customer opted out of a field: content changes, changed_at does not.
    pipeline.kombo.dropField(HRIS, 'hris/absences', 'remote_id');

    const run = await local(['verify', HRIS]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('hris/employees: 40 compared: 1 missing, 1 extra, 1 stale, 0 differing');
    expect(run.stdout).toMatch(new RegExp(`stale\\s+${changed!.id}  \\(mirror .+, Kombo .+\\)  fields: .*first_name`));
    expect(run.stdout).toContain(`missing   ${deletedByHand!.id}`);
    expect(run.stdout).toContain(`extra     ${vanished!.id}`);
    expect(run.stdout).toContain('hris/absences: 15 compared: 0 missing, 0 extra, 0 stale, 15 differing');
    expect(run.stdout).toMatch(new RegExp(`differing ${absence!.id}  \\(mirror .+\\)  fields: remote_id`));
    expect(run.stdout).toContain(`DRIFT: 18 record(s) of ${HRIS} differ from Kombo`);
    // Ids and field names only: no value of any record.
    expect(run.stdout).not.toContain('Silently');

    const json = JSON.parse((await local(['verify', HRIS, '--resource', 'hris/employees', '--json'])).stdout) as {
      drift: boolean;
      resources: { drift: Record<string, { id: string }[]> }[];
    };
    expect(json.drift).toBe(true);
    expect(json.resources[0]!.drift.stale!.map((finding) => finding.id)).toEqual([changed!.id]);
  });

  it('compares a sample of the mirror by id', async () => {
    const run = await local(['verify', HRIS, '--resource', 'hris/employees', '--sample', '50']);
    // 39 stored: all sampled; the silent change and the vanished record are found, the hand-deleted one cannot be.
    expect(run.stdout).toContain('hris/employees: 39 sampled: 0 missing, 1 extra, 1 stale, 0 differing');
    expect(run.stdout).toContain('a sample finds no missing records: run without --sample for those');
    expect(run.code).toBe(1);
  });

  it('sync enqueues a delta, which repairs the silent change; sync --full repairs the rest', async () => {
    const delta = await local(['sync', HRIS, '--resource', 'hris/employees']);
    expect(delta).toMatchObject({ code: 0, stderr: '' });
    expect(delta.stdout).toBe(`delta of ${HRIS} enqueued for hris/employees (1 job(s))\n`);
    await pipeline.runWorker();
    const afterDelta = await local(['verify', HRIS, '--resource', 'hris/employees']);
    // A delta cannot notice a record that vanished upstream: only the full sync's sweep does.
    expect(afterDelta.stdout).toMatch(/1 extra, 0 stale, 0 differing/);

    const full = await local(['sync', HRIS, '--full']);
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(new RegExp(`^full sync of ${HRIS} enqueued: run \\S+, 2 job\\(s\\)\\n$`));
    await pipeline.runWorker();
    const repaired = await local(['verify', HRIS]);
    expect(repaired.stdout).toContain(`no drift: ${HRIS} matches Kombo`);
    expect(repaired.code).toBe(0);
  });

  it('refuses a resource outside the catalogue and an unknown integration', async () => {
    expect((await local(['sync', HRIS, '--resource', 'hris/nothing'])).stderr).toBe(
      'kombo-sync: not a resource in the catalogue: hris/nothing\n',
    );
    const unknown = await local(['verify', 'personio:nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('integration personio:nobody is not registered');
  });
});
