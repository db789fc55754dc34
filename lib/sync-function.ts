import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BUNDLE_KIND,
  BUNDLE_KIND_EXPRESSION,
  type BundleKind,
  ENV,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../lambdas/contracts';
import { LOCAL_INVOKE_CONTEXT_KEY } from './local-invoke';

const projectRoot = path.resolve(import.meta.dirname, '..');

/**
 * Node built-ins the bundles take with `process.getBuiltinModule()` (Node ≥ 20.16 / 22.3) instead of a static
 * `import`. esbuild hoists every static import of a built-in to the top of the bundle, so a built-in is loaded at
 * cold start even when only a lazily loaded module needs it (the SSO and process credential providers, IMDS); and
 * an ESM import builds the built-in's ESM facade, which reads every export, lazy getters included: on Node 22,
 * `node:http`'s `WebSocket`/`CloseEvent`/`MessageEvent` getters load undici (and with it http2), and the facades of
 * `node:util` and `node:process` load more. Aliased to a one-line CommonJS module, a built-in is loaded when the
 * module that needs it first runs, and no facade is built. Measured by bench/cold-start.ts.
 *
 * An alias of `x` also applies to `x/sub` (esbuild rewrites it to the alias target plus `/sub`), so every sub-path
 * of a name listed here must be listed too; test/stack/bundled-webhook.test.ts checks that.
 */
export const LAZY_BUILTINS = [
  'assert',
  'assert/strict',
  'async_hooks',
  'buffer',
  'child_process',
  'console',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'dns/promises',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'module',
  'net',
  'os',
  'path',
  'path/posix',
  'path/win32',
  'perf_hooks',
  'process',
  'querystring',
  'stream',
  'stream/consumers',
  'stream/promises',
  'stream/web',
  'string_decoder',
  'timers',
  'timers/promises',
  'tls',
  'url',
  'util',
  'util/types',
  'worker_threads',
  'zlib',
] as const;

const lazyBuiltinAliases = LAZY_BUILTINS.flatMap((name) => {
  const shim = `data:text/javascript,module.exports=process.getBuiltinModule("node:${name}")`;
  return [`${name}=${shim}`, `node:${name}=${shim}`];
});

/**
 * How every function is bundled; bench/cold-start.ts measures each choice (run it after changing one):
 * - the AWS SDK is bundled rather than taken from the Lambda runtime, whose clients are whole CommonJS packages:
 *   esbuild keeps only what the functions use (the largest cut of the import time);
 * - minified ESM for Node 22, packages' ESM entry points first (`module`) so that esbuild can tree-shake them;
 * - an external source map (`index.mjs.map`; an inline one makes the file to parse three times larger) without the
 *   sources' text: with `--enable-source-maps` Node reads and parses the whole map at import, and stack traces
 *   need only the mappings;
 * - built-ins loaded lazily (LAZY_BUILTINS); nothing calls `require`, so no createRequire banner (esbuild would
 *   leave a "Dynamic require" stand-in for a `require` it could not resolve; the stack test checks there is none).
 */
export const SYNC_FUNCTION_BUNDLING = {
  bundleAwsSDK: true,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  esbuildArgs: { '--alias': lazyBuiltinAliases },
} satisfies BundlingOptions;

/**
 * Context key whose value (an object, or its JSON from `cdk synth -c`) overrides bundling options for every
 * function: how bench/cold-start.ts synthesizes the variants it compares. Not for deployments.
 */
export const BUNDLING_CONTEXT_KEY = 'kombo-sync:bundling';

function bundlingFromContext(scope: Construct): BundlingOptions {
  const value: unknown = scope.node.tryGetContext(BUNDLING_CONTEXT_KEY);
  if (value === undefined) return {};
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`context ${BUNDLING_CONTEXT_KEY} must be an object of bundling options`);
  }
  return parsed as BundlingOptions;
}

/** Deployable, unless the stack is synthesized as a local-invoke template (lib/local-invoke.ts). */
function bundleKindOf(scope: Construct): BundleKind {
  return scope.node.tryGetContext(LOCAL_INVOKE_CONTEXT_KEY) === true ? BUNDLE_KIND.localInvoke : BUNDLE_KIND.deployable;
}

export interface SyncFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** The handler's folder under `lambdas/`, e.g. `webhook`. */
  readonly handlerDir: string;
  /** How long the function's logs are kept. @default one month */
  readonly logRetention?: RetentionDays;
  /**
   * X-Ray tracing of the function, and with it the Powertools Tracer in its code (POWERTOOLS_TRACE_ENABLED):
   * `Tracing.DISABLED` leaves the tracer unloaded.
   * @default Tracing.ACTIVE
   */
  readonly tracing?: Tracing;
}

/**
 * A kombo-sync Lambda function: Node.js 22 on ARM64, bundled locally by esbuild (see SYNC_FUNCTION_BUNDLING;
 * no Docker), its own log group with a retention period, and its own role that may
 * write to that log group and nothing else until a construct grants more.
 */
export class SyncFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    const { handlerDir, logRetention, environment, bundling, tracing = Tracing.ACTIVE, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of our own instead of the managed AWSLambdaBasicExecutionRole, which may write to any log group.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      logGroup,
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      entry: path.join(projectRoot, 'lambdas', handlerDir, 'handler.ts'),
      handler: 'handler',
      tracing,
      ...rest,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        [ENV.traceEnabled]: String(tracing !== Tracing.DISABLED),
        ...environment,
      },
      bundling: {
        ...SYNC_FUNCTION_BUNDLING,
        define: { [BUNDLE_KIND_EXPRESSION]: JSON.stringify(bundleKindOf(scope)) },
        ...bundling,
        ...bundlingFromContext(scope),
      },
    });
    if (tracing !== Tracing.DISABLED) {
      // The statement CDK adds for tracing; test/stack/tracing-stack.test.ts checks it is the role's only `*`.
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'xray:PutTraceSegments and xray:PutTelemetryRecords, which tracing needs, support no resource-level ' +
          'permissions; every other statement of this role names its resources.',
      });
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is deliberate: it is a supported Lambda runtime and the bundle targets node22, matching the ' +
        'toolchain the project is tested with. Moving to Node.js 24 is the runtime/target change in lib/sync-function.ts.',
    });
    Validations.of(this).acknowledge({
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason:
        'It reaches only AWS APIs and Kombo on the internet, over TLS and authorized by IAM or the API key; a VPC would ' +
        'add a NAT gateway for Kombo and endpoints for AWS without taking any traffic off the internet path.',
    });
    Validations.of(logGroup).acknowledge({
      id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      reason:
        'The functions log ids, counts and error codes, never record data, a request body or a secret (README: ' +
        'metrics and logs); CloudWatch Logs encrypts them at rest, and a key of their own would protect nothing more.',
    });
    Validations.of(role).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        "The role's policy grants this one function exactly the actions it calls on this stack's resources; it " +
        'belongs to the role alone, and a managed policy would only make it attachable elsewhere.',
    });
  }
}
