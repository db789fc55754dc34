import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contracts';
import { synthTemplate } from '../support/synth';

// synthTemplate fails on an unacknowledged cdk-nag finding: every template here passes the AwsSolutions checks.
const FUNCTIONS = [/verifies Kombo webhooks/, /runs sync jobs/, /plans full syncs/];
const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

function functionOf(template: Template, description: RegExp) {
  const found = Object.values(template.findResources('AWS::Lambda::Function')).find((fn) =>
    description.test(fn.Properties?.Description ?? ''),
  );
  if (!found) throw new Error(`function ${description} not found`);
  return found.Properties;
}

/** Every statement of the policies attached to the function's own role. */
function roleStatements(template: Template, description: RegExp): Statement[] {
  const roleId: string = functionOf(template, description).Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const isXrayStatement = (statement: Statement) =>
  JSON.stringify([statement.Action].flat().sort()) === JSON.stringify([...XRAY_ACTIONS].sort());

describe('tracing, on by default', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate();
  });

  it.each(FUNCTIONS)('traces the function %s actively, with the Powertools Tracer switched on', (description) => {
    const fn = functionOf(template, description);
    expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Environment.Variables[ENV.traceEnabled]).toBe('true');
  });

  it.each(FUNCTIONS)('lets the function %s write traces, the only statement on every resource', (description) => {
    const statements = roleStatements(template, description);
    expect(statements.filter(isXrayStatement)).toEqual([expect.objectContaining({ Resource: '*' })]);
    // The role's cdk-nag acknowledgement of `Resource::*` (lib/sync-function.ts) covers X-Ray and nothing else.
    expect(statements.filter((statement) => JSON.stringify(statement.Resource) === '"*"')).toEqual(
      statements.filter(isXrayStatement),
    );
  });
});

describe.each([
  ['false', 'false'],
  ['false (cdk.json)', false],
])('tracing switched off with -c tracing=%s', (_label, value) => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate({ context: { tracing: value } });
  });

  it.each(FUNCTIONS)('leaves the function %s untraced and its tracer unloaded', (description) => {
    const fn = functionOf(template, description);
    expect(fn.TracingConfig).toBeUndefined();
    expect(fn.Environment.Variables[ENV.traceEnabled]).toBe('false');
    expect(roleStatements(template, description).filter(isXrayStatement)).toEqual([]);
  });
});

describe('the tracing context key', () => {
  it('fails synth naming the key when it is not true or false', () => {
    expect(() => synthTemplate({ context: { tracing: 'yes' } })).toThrow('context tracing: must be true or false');
  });
});
