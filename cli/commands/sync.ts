import { type Command, Option } from 'commander';
import { configuredResourcesOf, resourceDefinition } from '../../lambdas/core/kombo/catalogue';
import { DELETED_STATE } from '../../lambdas/core/ports';
import { deltaJobForEvent } from '../../lambdas/core/sync/job';
import { invokeFullSync } from '../aws/full-sync-function';
import { resourceStates } from '../aws/state-reader';
import { CliError, EXIT } from '../errors';
import { say } from '../io';
import type { Services } from '../services';
import type { Runner } from './runner';

interface SyncOptions {
  readonly resource?: string[];
  readonly full?: boolean;
  readonly forceSweep?: boolean;
}

export function addSyncCommand(program: Command, run: Runner): void {
  program
    .command('sync')
    .summary('enqueue a delta (or, with --full, a full walk) of an integration now')
    .description(
      'Enqueues a delta job per resource on the sync-jobs queue, as a data-changed webhook would (default: the ' +
        'resources the stack has synced for the integration). With --full, invokes the full-sync function for a ' +
        'full walk and sweep (default: every configured resource), as the README\'s "Run a full sync now" does.',
    )
    .argument('<integration>', 'an integration id')
    .addOption(new Option('--resource <resource...>', 'only these resources, e.g. hris/employees'))
    .option('--full', 'a full walk with the sweep, through the full-sync function')
    .addOption(
      new Option(
        '--force-sweep',
        'with --full: sweep even past the brake (after checking the records are gone)',
      ).implies({
        full: true,
      }),
    )
    .action((integrationId: string, options: SyncOptions, command: Command) =>
      run(command, (services) => sync(services, integrationId, options)),
    );
}

async function sync(services: Services, integrationId: string, options: SyncOptions): Promise<number> {
  const { io } = services;
  const unknown = (options.resource ?? []).filter((resource) => resourceDefinition(resource) === undefined);
  if (unknown.length > 0) throw new CliError(`not a resource in the catalogue: ${unknown.join(', ')}`);
  const integration = await services.integration(integrationId);
  if (integration.state === DELETED_STATE)
    throw new CliError(`integration ${integrationId} is deleted: its jobs are dropped`);

  if (options.full) {
    const functionName = await services.target.resource('fullSyncFunction');
    const answer = (await invokeFullSync(services.target.clients.lambda, functionName, {
      integration_id: integrationId,
      ...(options.resource ? { resources: options.resource } : {}),
      ...(options.forceSweep ? { force_sweep: true } : {}),
    })) as { runId?: string; jobs?: number };
    say(io, `full sync of ${integrationId} enqueued: run ${answer.runId ?? '?'}, ${answer.jobs ?? '?'} job(s)`);
    return EXIT.ok;
  }

  const resources = options.resource ?? (await syncedResources(services, integrationId, integration.category));
  if (resources.length === 0)
    throw new CliError(`${integrationId} has no resources to sync (category ${integration.category})`);
  const eventId = `cli-${io.now().getTime()}`;
  await (await services.jobQueue()).send(
    resources.map((resource) => deltaJobForEvent(eventId, integrationId, resource)),
  );
  say(io, `delta of ${integrationId} enqueued for ${resources.join(', ')} (${resources.length} job(s))`);
  return EXIT.ok;
}

/** What the stack has synced for it; before anything was, every resource it syncs for the category. */
async function syncedResources(services: Services, integrationId: string, category: string): Promise<string[]> {
  const states = await resourceStates(services.target.clients.dynamo, await services.stateTable(), integrationId);
  if (states.length > 0) return states.map((state) => state.resource);
  return configuredResourcesOf(category, await services.target.syncResources());
}
