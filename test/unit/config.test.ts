import { describe, expect, it } from 'vitest';
import { ConfigError, parseSyncResources, webhookConfig, workerConfig } from '../../lambdas/core/config';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import { DEFAULT_ENGINE_SETTINGS } from '../../lambdas/core/sync/settings';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync-jobs.fifo';

describe('configuration', () => {
  it('defaults SYNC_RESOURCES to the whole catalogue', () => {
    expect(parseSyncResources(undefined).size).toBe(RESOURCE_CATALOGUE.length);
    expect(parseSyncResources('all').size).toBe(RESOURCE_CATALOGUE.length);
    expect([...parseSyncResources(' ats/jobs , hris/employees ')]).toEqual(['ats/jobs', 'hris/employees']);
  });

  it('names unknown resources', () => {
    expect(() => parseSyncResources('ats/jobs,ats/job,hris_employees')).toThrow(
      new ConfigError(
        'SYNC_RESOURCES names unknown resource(s): ats/job, hris_employees (expected e.g. ats/applications, hris/employees)',
      ),
    );
  });

  it('reads the webhook function environment', () => {
    const config = webhookConfig({
      SYNC_JOBS_QUEUE_URL: QUEUE,
      STATE_TABLE: 'state',
      SECRET_ARN: 'arn:secret',
      SYNC_RESOURCES: 'ats/jobs',
    });
    expect(config.queueUrl).toBe(QUEUE);
    expect(config.secrets).toEqual({
      secretArn: 'arn:secret',
      overrides: { webhookSecret: undefined, previousWebhookSecret: undefined, komboApiKey: undefined },
    });
    expect([...config.syncResources]).toEqual(['ats/jobs']);
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => webhookConfig({ SECRET_ARN: 'arn', STATE_TABLE: 'state' })).toThrow(/SYNC_JOBS_QUEUE_URL/);
    expect(() => webhookConfig({ SYNC_JOBS_QUEUE_URL: 'not a url', STATE_TABLE: 'state', SECRET_ARN: 'arn' })).toThrow(
      /SYNC_JOBS_QUEUE_URL: must be the URL/,
    );
    expect(() => webhookConfig({ SYNC_JOBS_QUEUE_URL: QUEUE, STATE_TABLE: 'state' })).toThrow(/SECRET_ARN/);
  });

  it('accepts the local-only override instead of a secret', () => {
    const config = webhookConfig({ SYNC_JOBS_QUEUE_URL: QUEUE, STATE_TABLE: 'state', KOMBO_WEBHOOK_SECRET: 'local' });
    expect(config.secrets.overrides.webhookSecret).toBe('local');
  });

  it('reads the brake and the abandonment threshold for the worker, with defaults', () => {
    const worker = {
      RECORDS_TABLE: 'r',
      STATE_TABLE: 's',
      SYNC_JOBS_QUEUE_URL: QUEUE,
      DEAD_LETTER_QUEUE_URL: QUEUE,
      KOMBO_API_KEY: 'k',
    };
    expect(workerConfig(worker).engine).toEqual(DEFAULT_ENGINE_SETTINGS);
    const tuned = workerConfig({
      ...worker,
      SWEEP_BRAKE_PERCENT: '35',
      SWEEP_BRAKE_MIN_RECORDS: '0',
      WALK_ABANDON_AFTER_FAILURES: '5',
    }).engine;
    expect(tuned).toMatchObject({ sweepBrakeShare: 0.35, sweepBrakeMinRecords: 0, abandonAfterFailures: 5 });
    expect(() => workerConfig({ ...worker, SWEEP_BRAKE_MIN_RECORDS: '-1' })).toThrow(/SWEEP_BRAKE_MIN_RECORDS/);
    expect(() => workerConfig({ ...worker, WALK_ABANDON_AFTER_FAILURES: '0' })).toThrow(/WALK_ABANDON_AFTER_FAILURES/);
  });
});
