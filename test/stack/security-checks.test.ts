import { App, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { addSecurityChecks } from '../../lib/security-checks';
import { synthApp } from '../support/synth';

const SECRET = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const KEY = (id: string) => `arn:aws:kms:eu-west-1:123456789012:key/${id}`;

/** Every way the stack can be configured that changes its resources or their policies. */
const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  default: {},
  'one legacy secret with its key': { secretArn: SECRET('kombo'), secretKeyArn: KEY('secret') },
  'two existing secrets with their keys': {
    webhookSecretArn: SECRET('webhook'),
    webhookSecretKeyArn: KEY('webhook'),
    apiKeySecretArn: SECRET('api-key'),
    apiKeySecretKeyArn: KEY('api-key'),
  },
  'a created table key, dev stack': {
    tableEncryption: 'customer-managed',
    retainTables: 'false',
    deletionProtection: 'false',
  },
  'an existing table key': { tableKeyArn: KEY('tables') },
  'the local-invoke template': { localInvoke: 'true' },
};

describe('cdk-nag: AWS Solutions and NIST 800-53 rev 5', () => {
  it.each(Object.entries(CONFIGURATIONS))('passes, every finding fixed or acknowledged: %s', (_, context) => {
    const { app } = synthApp({ context });
    expect(() => app.synth({ force: true })).not.toThrow();
  });

  it('fails synth on a NIST finding that AWS Solutions does not report', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new LogGroup(new Stack(app, 'Unencrypted'), 'Logs', { retention: RetentionDays.ONE_MONTH });
    addSecurityChecks(app);
    expect(() => app.synth()).toThrow(/NIST\.800\.53\.R5-CloudWatchLogGroupEncrypted/);
  });

  it('acknowledges nothing wholesale: each acknowledgement has a reason, and one on the stack names one finding', () => {
    const { app, stack } = synthApp({ context: CONFIGURATIONS['a created table key, dev stack'] });
    const acknowledgements = app.node.findAll().flatMap((node) =>
      node.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ node, id, reason })),
    );
    expect(acknowledgements.map(({ id }) => id)).toEqual(
      expect.arrayContaining([expect.stringContaining('NIST.800.53.R5-'), expect.stringContaining('AwsSolutions-')]),
    );
    for (const { node, id, reason } of acknowledgements) {
      expect(reason.length, id).toBeGreaterThan(60);
      if (node === stack || node === app) expect(id, `${id} on ${node.node.path || 'the app'}`).toMatch(/\[.+\]$/);
    }
  });
});
