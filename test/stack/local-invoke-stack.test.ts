import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, LOCAL_ONLY_ENV, type SyncFunctionName } from '../../lambdas/contracts';
import { synthApp, synthTemplate } from '../support/synth';

/** The local-invoke template (`cdk synth -c localInvoke=true`) declares the local-only variables; the deployed one never. */
const DESCRIPTIONS: Record<SyncFunctionName, RegExp> = {
  webhook: /verifies Kombo webhooks/,
  worker: /runs sync jobs/,
  fullSync: /plans full syncs/,
};
const LOCAL_ONLY = new Set<string>(Object.values(LOCAL_ONLY_ENV).flat());

function variablesOf(template: Template, name: SyncFunctionName): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((resource) =>
    DESCRIPTIONS[name].test(String(resource.Properties?.Description)),
  );
  expect(functions).toHaveLength(1);
  return functions[0]?.Properties?.Environment?.Variables ?? {};
}

const NAMES = Object.keys(DESCRIPTIONS) as SyncFunctionName[];

describe('the deployed template', () => {
  it.each([{}, { localInvoke: false }, { localInvoke: 'false' }])(
    'declares no local-only variable (context %j)',
    (context) => {
      const template = synthTemplate({ context });
      for (const name of NAMES) {
        expect(Object.keys(variablesOf(template, name)).filter((variable) => LOCAL_ONLY.has(variable))).toEqual([]);
      }
      expect(template.toJSON().Description).toBeUndefined();
    },
  );
});

describe('the local-invoke template', () => {
  const deployed = synthTemplate();
  // cdk-nag runs here too: synthTemplate throws on an unacknowledged finding.
  const local = synthTemplate({ context: { localInvoke: 'true' } });

  it.each(NAMES)('%s: declares its local-only variables, empty, on top of what it deploys with', (name) => {
    const declared = variablesOf(local, name);
    expect(declared).toEqual({
      ...variablesOf(deployed, name),
      ...Object.fromEntries(LOCAL_ONLY_ENV[name].map((variable) => [variable, ''])),
    });
  });

  it('gives the secret overrides only to the functions that read them', () => {
    expect(Object.keys(variablesOf(local, 'webhook'))).not.toContain(ENV.localKomboApiKey);
    expect(Object.keys(variablesOf(local, 'worker'))).not.toContain(ENV.localWebhookSecret);
    expect(Object.keys(variablesOf(local, 'fullSync'))).not.toContain(ENV.localWebhookSecret);
  });

  it('says in its description that it is not for deploying', () => {
    expect(local.toJSON().Description).toMatch(/LOCAL INVOKE ONLY/);
  });

  it('refuses a context value that is not a boolean, naming the key', () => {
    expect(() => synthApp({ context: { localInvoke: 'yes' } })).toThrow(
      /invalid CDK context: context localInvoke: must be true or false/,
    );
  });
});

describe('the sample Scheduler event (events/full-sync-schedule.json)', () => {
  // Without the slot fields of a spread run's schedules: invoked locally, it plans the whole run at once.
  it("is a schedule's input with the scheduled time filled in, less the slot fields", () => {
    const inputs = Object.values(synthTemplate().findResources('AWS::Scheduler::Schedule')).map(
      (schedule) => JSON.parse(String(schedule.Properties?.Target?.Input)) as Record<string, unknown>,
    );
    const sample = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../events/full-sync-schedule.json'), 'utf8'),
    ) as Record<string, string>;
    for (const { slot: _slot, slots: _slots, slot_minutes: _slotMinutes, ...input } of inputs)
      expect(input).toEqual({ ...sample, scheduled_time: '<aws.scheduler.scheduled-time>' });
    expect(Number.isNaN(Date.parse(sample.scheduled_time ?? ''))).toBe(false);
  });
});
