import { ENV, type SyncFunctionName } from '../../lambdas/contracts';
import type { ServedResources } from './local-aws';
import { CONTAINER_HOSTNAME } from './settings';

/** SAM's `--env-vars` file: each function's variables under its logical id. */
export type SamEnvFile = Record<string, Record<string, string>>;

export interface LocalEnvironmentOptions {
  readonly served: ServedResources;
  /** The webhook secret the sample events are signed with. */
  readonly webhookSecret: string;
  /** The host name the functions reach the services by. @default CONTAINER_HOSTNAME */
  readonly reachAs?: string;
}

/**
 * The variables each function needs, beyond what the template gives it, to run against what
 * `npm run local:aws` serves. SAM applies only variables the template declares: every one named here is
 * declared by the local-invoke template (test/integration/local-invoke-contract.test.ts checks it).
 */
export function localFunctionEnvironments(
  options: LocalEnvironmentOptions,
): Record<SyncFunctionName, Record<string, string>> {
  const { served } = options;
  const reachAs = options.reachAs ?? CONTAINER_HOSTNAME;
  const reached = (url: string) => {
    const reachable = new URL(url);
    reachable.hostname = reachAs;
    return reachable.href.replace(/\/$/, '');
  };
  const common = {
    // Queue URLs exactly as fauxqs named them; the SDK sends to the endpoint below, not to their host.
    [ENV.syncJobsQueueUrl]: served.queueUrl,
    [ENV.stateTable]: served.stateTable,
    [ENV.localSqsEndpoint]: reached(served.sqsEndpoint),
    [ENV.localDynamoDbEndpoint]: reached(served.dynamodbEndpoint),
  };
  // Each secret ARN empty whatever the template (a literal ARN from context) or the shell says: in a Lambda runtime
  // with its secret's ARN set, a function ignores the local-only secret overrides.
  const kombo = {
    [ENV.apiKeySecretArn]: '',
    [ENV.komboApiUrl]: reached(served.komboApiUrl),
    [ENV.localKomboApiKey]: served.komboApiKey,
  };
  return {
    webhook: {
      ...common,
      [ENV.webhookSecretArn]: '',
      [ENV.localWebhookSecret]: options.webhookSecret,
      [ENV.localPreviousWebhookSecret]: '',
    },
    worker: {
      ...common,
      ...kombo,
      [ENV.recordsTable]: served.recordsTable,
      [ENV.deadLetterQueueUrl]: served.deadLetterQueueUrl,
    },
    fullSync: { ...common, ...kombo },
  };
}

/** The `--env-vars` file: each function's variables under its logical id in the local-invoke template. */
export function samEnvFile(
  environments: Record<SyncFunctionName, Record<string, string>>,
  functionIds: Record<SyncFunctionName, string>,
): SamEnvFile {
  return {
    [functionIds.webhook]: environments.webhook,
    [functionIds.worker]: environments.worker,
    [functionIds.fullSync]: environments.fullSync,
  };
}
