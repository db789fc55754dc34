import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type AwsClientOptions, type AwsClients, awsClients } from '../../lambdas/adapters/aws-clients';
import { secretsManagerLoader } from '../../lambdas/adapters/secrets-manager';
import { ENV } from '../../lambdas/contracts';
import { ConfigError, parseKomboApiUrl, parseSyncResources } from '../../lambdas/core/config';
import { parseApiKeySecret, SecretFormatError } from '../../lambdas/core/secrets';
import type { LocalRuntime } from '../../local/runtime/runtime-file';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import { readLocalRuntime } from './local-runtime';
import type { TargetOptions } from './options';
import { EARLIER_OUTPUTS, RESOURCES, type ResourceName } from './resources';
import { DEFAULT_STACK_NAME, stackOutputs } from './stack-outputs';

/**
 * Where the stack's resources are, in one place. Each is looked up only when a command needs it, first
 * among the flags and environment variables, then in what `npm start` published (`--local`) or in the
 * deployed stack's outputs (CloudFormation DescribeStacks, once).
 */
export interface Target {
  readonly clients: CliClients;
  /** The resource, or a CliError saying how to name it. */
  resource(name: ResourceName): Promise<string>;
  /** The resource if it is known; a stack without the output (older versions) has none. */
  optionalResource(name: ResourceName): Promise<string | undefined>;
  /** Kombo's API as the stack's functions use it, with the key (read when first needed). */
  kombo(): Promise<{ readonly baseUrl: string; readonly apiKey: () => Promise<string> }>;
  /** The resources the stack syncs (its SYNC_RESOURCES). */
  syncResources(): Promise<ReadonlySet<string>>;
  close(): void;
}

export interface CliClients extends AwsClients {
  readonly lambda: LambdaClient;
  readonly cloudFormation: CloudFormationClient;
}

export function resolveTarget(options: TargetOptions, io: CliIo): Target {
  const local = options.local ? readLocalRuntime(io.env) : undefined;
  const clients = cliClients(local ? localClientOptions(local) : { region: options.region }, local);
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  let outputs: Promise<Record<string, string>> | undefined;
  let functionEnv: Promise<Record<string, string>> | undefined;

  const fromSource = async (name: ResourceName): Promise<string | undefined> => {
    if (local) return localResource(local, name);
    outputs ??= clients.cloudFormation.config
      .region()
      .then((region) => stackOutputs(clients.cloudFormation, stackName, region));
    const found = await outputs;
    const earlier = EARLIER_OUTPUTS[name];
    return found[RESOURCES[name].output] ?? (earlier ? found[earlier] : undefined);
  };
  const optionalResource = async (name: ResourceName) => options.resources[name] ?? (await fromSource(name));
  const resource = async (name: ResourceName) => {
    const value = await optionalResource(name);
    if (value !== undefined) return value;
    const { what, flag, env, output } = RESOURCES[name];
    const where = local ? 'the local runtime does not have it' : `stack ${stackName} has no output ${output}`;
    throw new CliError(`${what} is not known (${where}): pass ${flag} or set ${env}`);
  };
  /** The full-sync function's environment: the stack's Kombo URL and resources, as its functions see them. */
  const deployedEnv = async (): Promise<Record<string, string>> => {
    functionEnv ??= resource('fullSyncFunction').then(async (name) => {
      const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      return config.Environment?.Variables ?? {};
    });
    return functionEnv;
  };

  return {
    clients,
    resource,
    optionalResource,
    async kombo() {
      const given = options.komboApiUrl ?? (local ? local.kombo.apiUrl : (await deployedEnv())[ENV.komboApiUrl]);
      const baseUrl = parsed(() => parseKomboApiUrl(given));
      if (local) return { baseUrl, apiKey: async () => local.kombo.apiKey };
      return { baseUrl, apiKey: once(() => deployedApiKey(io, clients, resource)) };
    },
    async syncResources() {
      const given =
        io.env[ENV.syncResources] ?? (local ? local.syncResources : (await deployedEnv())[ENV.syncResources]);
      return parsed(() => parseSyncResources(given));
    },
    close() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** KOMBO_API_KEY from the operator's environment, else the stack's secret (never printed). */
async function deployedApiKey(
  io: CliIo,
  clients: CliClients,
  resource: (name: ResourceName) => Promise<string>,
): Promise<string> {
  const fromEnv = io.env[ENV.localKomboApiKey]?.trim();
  if (fromEnv) return fromEnv;
  const secretArn = await resource('apiKeySecretArn');
  const raw = await secretsManagerLoader(clients.secretsManager, secretArn)();
  try {
    return parseApiKeySecret(raw);
  } catch (error) {
    // The parse names the field, never the value.
    if (error instanceof SecretFormatError) throw new CliError(`the secret ${secretArn}: ${error.message}`);
    throw error;
  }
}

function localResource(local: LocalRuntime, name: ResourceName): string | undefined {
  const values: Record<ResourceName, string | undefined> = {
    recordsTable: local.recordsTable,
    stateTable: local.stateTable,
    syncJobsQueueUrl: local.syncJobsQueueUrl,
    deadLetterQueueUrl: local.deadLetterQueueUrl,
    fullSyncFailureQueueUrl: local.fullSyncFailureQueueUrl,
    // The local runtime has no scheduler, hence no schedule dead-letter queue, and no secret (the key is the fake's).
    scheduleDeadLetterQueueUrl: undefined,
    fullSyncFunction: local.fullSyncFunctionName,
    apiKeySecretArn: undefined,
  };
  return values[name];
}

function localClientOptions(local: LocalRuntime): AwsClientOptions {
  return {
    region: local.region,
    credentials: local.credentials,
    endpoints: { dynamodb: local.endpoints.dynamodb, sqs: local.endpoints.sqs },
  };
}

function cliClients(options: AwsClientOptions, local: LocalRuntime | undefined): CliClients {
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    ...awsClients(options),
    lambda: new LambdaClient({ ...common, ...(local ? { endpoint: local.endpoints.lambda } : {}) }),
    cloudFormation: new CloudFormationClient(common),
  };
}

function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load();
    return value;
  };
}
