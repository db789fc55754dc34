import { type Command, Option } from 'commander';
import { ENV } from '../../lambdas/contracts';
import { RESOURCES, type ResourceName } from './resources';
import { DEFAULT_STACK_NAME } from './stack-outputs';

/** Where a command finds the stack's resources: the options every command takes. */
export interface TargetOptions {
  readonly local?: boolean;
  readonly stack?: string;
  readonly region?: string;
  readonly komboApiUrl?: string;
  readonly resources: Partial<Record<ResourceName, string>>;
}

const STACK_ENV = 'KOMBO_SYNC_STACK';
const GROUP = 'Where (default: the deployed stack KomboSyncStack, with the standard AWS credential chain):';

/** Adds the target options to a command; `targetOf` reads them back. */
export function withTarget(command: Command): Command {
  command
    .addOption(
      new Option('--local', 'the local runtime `npm start` runs (reads .local/runtime.json)')
        .conflicts('stack')
        .helpGroup(GROUP),
    )
    .addOption(
      new Option(
        '--stack <name>',
        `a deployed stack, found by its outputs (env ${STACK_ENV}; default ${DEFAULT_STACK_NAME})`,
      ).helpGroup(GROUP),
    )
    .addOption(new Option('--region <region>', "the stack's AWS region (default: the SDK's)").helpGroup(GROUP))
    .addOption(
      new Option(
        '--kombo-api-url <url>',
        `Kombo's API: eu, us or a base URL with /v1 (env ${ENV.komboApiUrl})`,
      ).helpGroup(GROUP),
    );
  for (const definition of Object.values(RESOURCES)) {
    const description = `${definition.what} (env ${definition.env})`;
    command.addOption(new Option(`${definition.flag} <${definition.placeholder}>`, description).helpGroup(GROUP));
  }
  return command;
}

/**
 * The options as given, each completed from the environment (the CLI's, not read behind its back: commander's
 * own `.env()` would read `process.env`). A flag wins over its variable.
 */
export function targetOf(
  options: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): TargetOptions {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const resources: Partial<Record<ResourceName, string>> = {};
  for (const [name, definition] of Object.entries(RESOURCES) as [ResourceName, (typeof RESOURCES)[ResourceName]][]) {
    const value = text(options[definition.optionKey]) ?? text(env[definition.env]);
    if (value !== undefined) resources[name] = value;
  }
  return {
    local: options.local === true,
    stack: text(options.stack) ?? text(env[STACK_ENV]),
    region: text(options.region),
    komboApiUrl: text(options.komboApiUrl) ?? text(env[ENV.komboApiUrl]),
    resources,
  };
}
