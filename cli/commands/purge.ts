import type { Command } from 'commander';
import { purgeJob } from '../../lambdas/core/sync/job';
import { resourceStates } from '../aws/state-reader';
import { CliError, EXIT } from '../errors';
import { ask, say } from '../io';
import type { Services } from '../services';
import type { Runner } from './runner';

export function addPurgeCommand(program: Command, run: Runner): void {
  program
    .command('purge')
    .summary('delete everything held of an integration, for good (asks first)')
    .description(
      'Does what integration-deleted does: marks the integration deleted (its jobs are dropped, and no later ' +
        'webhook revives it) and enqueues a purge job that deletes every record and state item of it. Only a ' +
        'deletion marker stays. Asks for the integration id as confirmation unless --yes is given.',
    )
    .argument('<integration>', 'an integration id')
    .option('-y, --yes', 'do not ask (for scripts)')
    .action((integrationId: string, options: { yes?: boolean }, command: Command) =>
      run(command, (services) => purge(services, integrationId, options.yes === true)),
    );
}

async function purge(services: Services, integrationId: string, confirmed: boolean): Promise<number> {
  const { io } = services;
  const integration = await services.integration(integrationId);
  const resources = await resourceStates(services.target.clients.dynamo, await services.stateTable(), integrationId);
  const { reader } = await services.records();
  let records = 0;
  for (const { resource } of resources) records += (await reader.count({ integrationId, resource })).live;
  const queue = await services.jobQueue();

  if (!confirmed) {
    if (!io.stdin) throw new CliError('refusing to purge without confirmation: run it in a terminal, or pass --yes');
    io.stderr(
      `This deletes ${records} record(s) of ${resources.length} resource(s) and all sync state of ${integrationId} ` +
        `(${integration.tool}, ${integration.category}), and marks it deleted for good.\n`,
    );
    const answer = await ask(io, `Type ${integrationId} to confirm: `);
    if (answer !== integrationId) {
      say(io, 'not confirmed: nothing changed');
      return EXIT.finding;
    }
  }
  const at = io.now();
  const integrations = await services.integrations();
  await integrations.markDeleted({
    id: integrationId,
    tool: integration.tool,
    category: integration.category,
    at: at.toISOString(),
  });
  await queue.send([purgeJob(integrationId, `cli-${at.getTime()}`)]);
  say(
    io,
    `${integrationId} marked deleted; purge enqueued (\`kombo-sync status ${integrationId}\` shows its progress)`,
  );
  return EXIT.ok;
}
