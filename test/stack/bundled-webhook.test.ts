import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAZY_BUILTINS } from '../../lib/sync-function';
import { drainQueue } from '../../local/aws/drain-queue';
import { localAwsEnvironment } from '../../local/aws/environment';
import { bundledFunction, WEBHOOK_FUNCTION } from '../../local/cdk-out';
import { localFunctionEnvironments } from '../../local/sam/env-file';
import { type LocalAws, startLocalAws } from '../../local/sam/local-aws';
import { readTestWebhookSecret } from '../../local/test-webhook-secret';
import { synthApp } from '../support/synth';

/**
 * The done-when check of the ingest issue, on the real artefact: synthesize with esbuild bundling,
 * load the webhook function's bundle from the cloud assembly, and give it the sample events.
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const root = path.resolve(import.meta.dirname, '../..');
// Inside the project, so that a bundle would resolve anything left external from node_modules.
const outdir = mkdtempSync(path.join(root, '.cdk.out-test-'));
// The deployable template's bundles, to show that they take no local secret override.
const deployableOutdir = mkdtempSync(path.join(root, '.cdk.out-test-'));
const readEvent = (name: string) =>
  JSON.parse(readFileSync(path.join(root, 'events', name), 'utf8')) as APIGatewayProxyEventV2;
const context = { functionName: 'webhook', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as Context;

let local: LocalAws;
let handler: Handler;
const queued = () => drainQueue(local.sqs.client, local.served.queueUrl);

beforeAll(async () => {
  // What `npm run synth:local-invoke` builds: the bundles `sam local` and `npm run invoke:webhook` run.
  const { app } = synthApp({ bundle: true, outdir, context: { localInvoke: 'true' } });
  app.synth();
  const { entry } = bundledFunction(outdir, 'KomboSyncStack', WEBHOOK_FUNCTION);
  expect(existsSync(entry)).toBe(true);

  // What `npm run local:aws` serves, and the variables `sam local invoke --env-vars .local/env.json` would give.
  local = await startLocalAws({ host: '127.0.0.1', ports: { sqs: 0, dynamodb: 0, kombo: 0 } });
  const { served } = local;
  const { webhook } = localFunctionEnvironments({
    served,
    webhookSecret: readTestWebhookSecret(),
    reachAs: '127.0.0.1',
  });
  Object.assign(process.env, localAwsEnvironment({ sqs: served.sqsEndpoint, dynamodb: served.dynamodbEndpoint }), {
    ...webhook,
    SYNC_RESOURCES: 'all',
  });
  ({ handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler });
}, 120_000);

afterAll(async () => {
  await local?.close();
  rmSync(outdir, { recursive: true, force: true });
  rmSync(deployableOutdir, { recursive: true, force: true });
});

describe('bundled webhook function from the cloud assembly', () => {
  it('enqueues one FIFO job per affected configured resource for the signed sample event', async () => {
    const response = await handler(readEvent('webhook-data-changed.json'), context);
    expect(response.statusCode).toBe(200);
    const messages = await queued();
    // hris_employees → employees, performance reviews; hris_absences → absences.
    expect(messages.map((m) => m.Attributes?.MessageGroupId).sort()).toEqual([
      'personio:sample123#hris/absences',
      'personio:sample123#hris/employees',
      'personio:sample123#hris/performance-reviews',
    ]);
  });

  it('answers 401 and enqueues nothing for the bad-signature sample', async () => {
    const response = await handler(readEvent('webhook-bad-signature.json'), context);
    expect(response.statusCode).toBe(401);
    expect(await queued()).toEqual([]);
  });
});

describe("the deployable template's webhook bundle", () => {
  it('ignores a planted webhook secret even with WEBHOOK_SECRET_ARN cleared: it does not start', {
    timeout: 120_000,
  }, async () => {
    synthApp({ bundle: true, outdir: deployableOutdir }).app.synth();
    const { entry } = bundledFunction(deployableOutdir, 'KomboSyncStack', WEBHOOK_FUNCTION);
    // The configuration someone who may edit the function could give it: its secret's ARN empty, a secret they know.
    expect(process.env.WEBHOOK_SECRET_ARN).toBe('');
    expect(process.env.KOMBO_WEBHOOK_SECRET).toBe(readTestWebhookSecret());
    // It fails at cold start, naming what was ignored: Lambda answers 500, and Kombo retries later.
    await expect(import(pathToFileURL(entry).href)).rejects.toThrow(
      'set WEBHOOK_SECRET_ARN (KOMBO_WEBHOOK_SECRET is for local runs, and this bundle or runtime ignores it)',
    );
    // The local-invoke bundle, in the same environment, takes it (its jobs repeat the first test's: FIFO drops them).
    expect((await handler(readEvent('webhook-data-changed.json'), context)).statusCode).toBe(200);
  });
});

const FUNCTIONS = { webhook: WEBHOOK_FUNCTION, worker: /runs sync jobs/, 'full-sync': /plans full syncs/ };

/** The specifiers of a bundle's static imports (esbuild's minified output puts each after `;` or a newline). */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:^|[;\n])\s*import\s*(?:[\w$*{}\s,]+?\s*from\s*)?"([^"]+)"/g)].map(
    (match) => match[1] ?? '',
  );
}

/** The bundling choices bench/cold-start.ts measured (lib/sync-function.ts SYNC_FUNCTION_BUNDLING), on the artefacts. */
describe.each(Object.entries(FUNCTIONS))('the %s bundle', (_name, description) => {
  const bundle = () => {
    const { entry } = bundledFunction(outdir, 'KomboSyncStack', description);
    return { entry, code: readFileSync(entry, 'utf8') };
  };

  it('bundles the AWS SDK instead of importing the runtime copy', () => {
    const imports = staticImports(bundle().code);
    expect(imports.filter((specifier) => /^@(aws-sdk|smithy)\//.test(specifier))).toEqual([]);
    expect(bundle().code).not.toMatch(/import\(\s*"@(aws-sdk|smithy)\//);
  });

  it('imports no lazily loaded built-in statically, and needs no require', () => {
    const lazy = new Set<string>(LAZY_BUILTINS);
    const { code } = bundle();
    expect(staticImports(code).filter((specifier) => lazy.has(specifier.replace(/^node:/, '')))).toEqual([]);
    expect(code).toContain('process.getBuiltinModule("node:https")');
    // esbuild's stand-in for a require() it could not resolve, which throws in ESM without a createRequire banner.
    expect(code).not.toContain('Dynamic require of');
  });

  it('ships an external source map with mappings and names only', () => {
    const { entry, code } = bundle();
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    expect(code).not.toContain('sourceMappingURL=data:');
    const map = JSON.parse(readFileSync(`${entry}.map`, 'utf8')) as { mappings: string; sourcesContent?: unknown };
    expect(map.mappings.length).toBeGreaterThan(0);
    expect(map.sourcesContent).toBeUndefined();
  });
});

describe('staticImports', () => {
  it("finds the imports in esbuild's minified ESM output", () => {
    const code = 'import{a as b,c}from"@aws-sdk/x";import d from"node:http";var e=1;\nimport*as f from"y";import"z";';
    expect(staticImports(code)).toEqual(['@aws-sdk/x', 'node:http', 'y', 'z']);
    expect(staticImports('var a=await import("node:http"),b={from:"x"};')).toEqual([]);
  });
});

describe('LAZY_BUILTINS', () => {
  it('lists every sub-path of a listed built-in (an alias of `x` would also rewrite an unlisted `x/sub`)', () => {
    const listed = new Set<string>(LAZY_BUILTINS);
    const unlisted = builtinModules.filter(
      (name) => !listed.has(name) && LAZY_BUILTINS.some((parent) => name.startsWith(`${parent}/`)),
    );
    expect(unlisted).toEqual([]);
  });
});
