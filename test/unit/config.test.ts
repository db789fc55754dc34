import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  fullSyncConfig,
  parseSyncResources,
  webhookConfig,
  workerConfig,
} from '../../lambdas/core/config';
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
      WEBHOOK_SECRET_ARN: 'arn:webhook-secret',
      SYNC_RESOURCES: 'ats/jobs',
    });
    expect(config.queueUrl).toBe(QUEUE);
    expect(config.webhookSecret).toEqual({
      secretArn: 'arn:webhook-secret',
      overrides: { webhookSecret: undefined, previousWebhookSecret: undefined },
      ignoredOverrides: [],
    });
    expect([...config.syncResources]).toEqual(['ats/jobs']);
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => webhookConfig({ WEBHOOK_SECRET_ARN: 'arn', STATE_TABLE: 'state' })).toThrow(/SYNC_JOBS_QUEUE_URL/);
    expect(() =>
      webhookConfig({ SYNC_JOBS_QUEUE_URL: 'not a url', STATE_TABLE: 'state', WEBHOOK_SECRET_ARN: 'arn' }),
    ).toThrow(/SYNC_JOBS_QUEUE_URL: must be the URL/);
    expect(() => webhookConfig({ SYNC_JOBS_QUEUE_URL: QUEUE, STATE_TABLE: 'state' })).toThrow(
      new ConfigError('invalid environment: set WEBHOOK_SECRET_ARN (or KOMBO_WEBHOOK_SECRET for local runs)'),
    );
  });

  it("gives each function its own secret's ARN: the webhook function's is never the API key's", () => {
    const env = {
      SYNC_JOBS_QUEUE_URL: QUEUE,
      STATE_TABLE: 'state',
      RECORDS_TABLE: 'records',
      DEAD_LETTER_QUEUE_URL: QUEUE,
      WEBHOOK_SECRET_ARN: 'arn:webhook-secret',
      KOMBO_API_KEY_SECRET_ARN: 'arn:api-key-secret',
    };
    expect(webhookConfig(env).webhookSecret.secretArn).toBe('arn:webhook-secret');
    expect(workerConfig(env).apiKeySecret.secretArn).toBe('arn:api-key-secret');
    expect(fullSyncConfig(env).apiKeySecret.secretArn).toBe('arn:api-key-secret');
    // The old single variable is no secret of any function: each asks for its own by name.
    const { WEBHOOK_SECRET_ARN: _w, KOMBO_API_KEY_SECRET_ARN: _k, ...old } = { ...env, SECRET_ARN: 'arn:old' };
    expect(() => webhookConfig(old)).toThrow(/set WEBHOOK_SECRET_ARN/);
    expect(() => workerConfig(old)).toThrow(/set KOMBO_API_KEY_SECRET_ARN \(or KOMBO_API_KEY for local runs\)/);
    expect(() => fullSyncConfig(old)).toThrow(/set KOMBO_API_KEY_SECRET_ARN/);
  });

  it('accepts the local-only override instead of a secret', () => {
    const config = webhookConfig({ SYNC_JOBS_QUEUE_URL: QUEUE, STATE_TABLE: 'state', KOMBO_WEBHOOK_SECRET: 'local' });
    expect(config.webhookSecret.overrides.webhookSecret).toBe('local');
  });

  describe("in a Lambda runtime with the secrets' ARNs set", () => {
    const WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-webhook-AbCdEf';
    const KOMBO_API_KEY_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-AbCdEf';
    const planted = {
      SYNC_JOBS_QUEUE_URL: QUEUE,
      STATE_TABLE: 'state',
      RECORDS_TABLE: 'records',
      DEAD_LETTER_QUEUE_URL: QUEUE,
      WEBHOOK_SECRET_ARN,
      KOMBO_API_KEY_SECRET_ARN,
      AWS_LAMBDA_FUNCTION_NAME: 'KomboSyncStack-IngressWebhookFunction',
      KOMBO_WEBHOOK_SECRET: 'planted',
      KOMBO_WEBHOOK_SECRET_PREVIOUS: 'planted-too',
      KOMBO_API_KEY: 'planted-key',
    };

    it('ignores the local-only overrides and names them, so an edited configuration cannot plant a secret', () => {
      expect(webhookConfig(planted).webhookSecret).toEqual({
        secretArn: WEBHOOK_SECRET_ARN,
        overrides: { webhookSecret: undefined, previousWebhookSecret: undefined },
        ignoredOverrides: ['KOMBO_WEBHOOK_SECRET', 'KOMBO_WEBHOOK_SECRET_PREVIOUS'],
      });
      for (const config of [workerConfig(planted), fullSyncConfig(planted)]) {
        expect(config.apiKeySecret).toEqual({
          secretArn: KOMBO_API_KEY_SECRET_ARN,
          overrides: { komboApiKey: undefined },
          ignoredOverrides: ['KOMBO_API_KEY'],
        });
      }
    });

    it('ignores them under sam local too: AWS_SAM_LOCAL is not reserved, so whoever edits the configuration could set it', () => {
      expect(
        webhookConfig({ ...planted, AWS_SAM_LOCAL: 'true' }).webhookSecret.overrides.webhookSecret,
      ).toBeUndefined();
    });

    it("lets them win where the function's secret ARN is empty, as in the local env file for sam local", () => {
      const local = webhookConfig({ ...planted, WEBHOOK_SECRET_ARN: '', AWS_SAM_LOCAL: 'true' });
      expect(local.webhookSecret).toMatchObject({ secretArn: undefined, ignoredOverrides: [] });
      expect(local.webhookSecret.overrides.webhookSecret).toBe('planted');
      const worker = workerConfig({ ...planted, KOMBO_API_KEY_SECRET_ARN: '', AWS_SAM_LOCAL: 'true' });
      expect(worker.apiKeySecret.overrides.komboApiKey).toBe('planted-key');
    });

    it('lets them win outside a Lambda runtime (tests, npm start)', () => {
      const { AWS_LAMBDA_FUNCTION_NAME: _, ...outside } = planted;
      expect(workerConfig(outside).apiKeySecret.overrides.komboApiKey).toBe('planted-key');
    });
  });

  describe('in a deployable bundle (esbuild fixes process.env.KOMBO_SYNC_BUNDLE to "deployable")', () => {
    // Unbundled, the expression reads the environment: set here as the bundle's literal would be.
    beforeEach(() => {
      process.env.KOMBO_SYNC_BUNDLE = 'deployable';
    });
    afterEach(() => {
      delete process.env.KOMBO_SYNC_BUNDLE;
    });

    it("never takes an override, not even with the secret's ARN cleared, and says why it cannot start", () => {
      const cleared = {
        SYNC_JOBS_QUEUE_URL: QUEUE,
        STATE_TABLE: 'state',
        WEBHOOK_SECRET_ARN: '',
        KOMBO_WEBHOOK_SECRET: 'planted',
      };
      expect(() => webhookConfig(cleared)).toThrow(
        'set WEBHOOK_SECRET_ARN (KOMBO_WEBHOOK_SECRET is for local runs, and this bundle or runtime ignores it)',
      );
      const arn = 'arn:aws:secretsmanager:eu-west-1:1:secret:x';
      expect(webhookConfig({ ...cleared, WEBHOOK_SECRET_ARN: arn }).webhookSecret).toEqual({
        secretArn: arn,
        overrides: { webhookSecret: undefined, previousWebhookSecret: undefined },
        ignoredOverrides: ['KOMBO_WEBHOOK_SECRET'],
      });
      const worker = { RECORDS_TABLE: 'r', DEAD_LETTER_QUEUE_URL: QUEUE, ...cleared, KOMBO_API_KEY: 'planted-key' };
      expect(() => workerConfig(worker)).toThrow(
        'set KOMBO_API_KEY_SECRET_ARN (KOMBO_API_KEY is for local runs, and this bundle or runtime ignores it)',
      );
    });
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
