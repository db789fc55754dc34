import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/io';
import { targetOf } from '../../cli/target/options';
import { resolveTarget } from '../../cli/target/resolve';
import { cli } from '../support/cli';

/** The deployed stack's resources, found by CloudFormation's outputs (mocked; nothing else is called). */
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

const OUTPUTS = {
  RecordsTableName: 'Acme-MirrorRecords-1',
  StateTableName: 'Acme-MirrorState-1',
  SyncJobsQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111/jobs.fifo',
  SyncJobsDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111/jobs-dlq.fifo',
  FullSyncFailureQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111/failures',
  FullSyncFunctionName: 'Acme-FullSync-1',
  SecretArn: 'arn:aws:secretsmanager:eu-west-1:111:secret:kombo-sync-AbCdEf',
};
const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'Acme',
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE' as const,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

const io = (env: Record<string, string> = {}): CliIo => ({
  stdout: () => undefined,
  stderr: () => undefined,
  env,
  stdin: undefined,
  interactive: false,
  now: () => new Date(),
});

const target = (options: Record<string, unknown>, env: Record<string, string> = {}) =>
  resolveTarget(targetOf({ region: 'eu-west-1', ...options }, env), io(env));

describe('resources of a deployed stack', () => {
  it('come from the stack outputs, looked up once', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Acme' }).resolves(stackWith(OUTPUTS));
    const acme = target({ stack: 'Acme' });
    expect(await acme.resource('recordsTable')).toBe('Acme-MirrorRecords-1');
    expect(await acme.resource('syncJobsQueueUrl')).toBe(OUTPUTS.SyncJobsQueueUrl);
    expect(await acme.resource('fullSyncFunction')).toBe('Acme-FullSync-1');
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    acme.close();
  });

  it('default to the stack KomboSyncStack, or KOMBO_SYNC_STACK', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(OUTPUTS));
    await target({}).resource('stateTable');
    await target({}, { KOMBO_SYNC_STACK: 'FromEnv' }).resource('stateTable');
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input.StackName)).toEqual([
      'KomboSyncStack',
      'FromEnv',
    ]);
  });

  it('a flag, then the functions’ environment variable, win over the outputs without asking CloudFormation', async () => {
    const explicit = target({ stateTable: 'given-state' }, { RECORDS_TABLE: 'env-records' });
    expect(await explicit.resource('stateTable')).toBe('given-state');
    expect(await explicit.resource('recordsTable')).toBe('env-records');
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it("the API key's secret: ApiKeySecretArn, or SecretArn of a stack deployed before the secrets were split", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Acme' }).resolves(stackWith(OUTPUTS));
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Split' })
      .resolves(stackWith({ ...OUTPUTS, ApiKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:111:secret:api-key-Xy' }));
    expect(await target({ stack: 'Acme' }).resource('apiKeySecretArn')).toBe(OUTPUTS.SecretArn);
    expect(await target({ stack: 'Split' }).resource('apiKeySecretArn')).toBe(
      'arn:aws:secretsmanager:eu-west-1:111:secret:api-key-Xy',
    );
  });

  it('a missing output (an older stack) is named, with the flag that replaces it', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(OUTPUTS));
    const acme = target({ stack: 'Acme' });
    expect(await acme.optionalResource('scheduleDeadLetterQueueUrl')).toBeUndefined();
    await expect(acme.resource('scheduleDeadLetterQueueUrl')).rejects.toThrow(
      "the weekly schedule's dead-letter queue is not known (stack Acme has no output ScheduleDeadLetterQueueUrl): " +
        'pass --schedule-dead-letter-queue-url or set SCHEDULE_DEAD_LETTER_QUEUE_URL',
    );
  });
});

describe('expected failures are one line, exit code 2', () => {
  it('stack not found', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
    const run = await cli(['status', '--stack', 'Nope', '--region', 'eu-west-1']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'kombo-sync: stack Nope not found in eu-west-1: deploy it, pass --stack <name> (or --region), or use --local\n',
    });
  });

  it('no credentials', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const run = await cli(['cutover-check', '--region', 'eu-west-1']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'kombo-sync: no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local\n',
    });
  });

  it('an unexpected error says so, and shows its stack only when asked', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('boom'));
    const quiet = await cli(['status', '--region', 'eu-west-1']);
    expect(quiet.stderr).toBe('kombo-sync: unexpected error: boom\n(set KOMBO_SYNC_DEBUG=1 for the stack trace)\n');
    const debug = await cli(['status', '--region', 'eu-west-1'], { env: { KOMBO_SYNC_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/^kombo-sync: unexpected error: boom\nError: boom\n\s+at /);
  });
});
