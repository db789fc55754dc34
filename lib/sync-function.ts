import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/contracts';

const projectRoot = path.resolve(import.meta.dirname, '..');

export interface SyncFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** The handler's folder under `lambdas/`, e.g. `webhook`. */
  readonly handlerDir: string;
  /** How long the function's logs are kept. @default one month */
  readonly logRetention?: RetentionDays;
}

/**
 * A kombo-sync Lambda function: Node.js 22 on ARM64, bundled locally by esbuild (minified, with
 * source maps; no Docker), its own log group with a retention period, and its own role that may
 * write to that log group and nothing else until a construct grants more.
 */
export class SyncFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    const { handlerDir, logRetention, environment, bundling, ...rest } = props;
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
      ...rest,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
        banner:
          "import { createRequire as __kombo_createRequire } from 'node:module'; const require = __kombo_createRequire(import.meta.url);",
        ...bundling,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is deliberate: it is a supported Lambda runtime and the bundle targets node22, matching the ' +
        'toolchain the project is tested with. Moving to Node.js 24 is the runtime/target change in lib/sync-function.ts.',
    });
  }
}
