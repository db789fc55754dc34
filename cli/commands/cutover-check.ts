import { type Command, InvalidArgumentError, Option } from 'commander';
import { DELETED_STATE } from '../../lambdas/core/ports';
import { resourceStates } from '../aws/state-reader';
import { type Readiness, readinessOf } from '../cutover/readiness';
import { deadLetterQueues } from '../dlq/queues';
import { EXIT } from '../errors';
import { say } from '../io';
import type { Services } from '../services';
import { table } from '../views/table';
import { ago } from '../views/time';
import type { Runner } from './runner';

interface CutoverOptions {
  readonly days: number;
  readonly maxSweptPercent: number;
  readonly json?: boolean;
}

export function addCutoverCheckCommand(program: Command, run: Runner): void {
  program
    .command('cutover-check')
    .summary('is it safe to stop listening to sync-finished? (exit 0 yes, 1 not yet)')
    .description(
      "Phase 4 of Kombo's migration guide in one screen: per integration, did data-changed events arrive within " +
        'the last N days and a sync follow the last one, did the weekly full sync run, how many records did it ' +
        'sweep (what webhooks missed); and are the dead-letter queues empty. Ends with a plain verdict.',
    )
    .addOption(new Option('--days <n>', 'data-changed must have arrived within n days').default(7).argParser(positive))
    .addOption(
      new Option('--max-swept-percent <p>', 'the last full syncs may have swept at most p % of the records')
        .default(1)
        .argParser(nonNegative),
    )
    .option('--json', 'machine-readable output')
    .action((options: CutoverOptions, command: Command) => run(command, (services) => cutoverCheck(services, options)));
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number');
  return number;
}

function nonNegative(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return number;
}

async function cutoverCheck(services: Services, options: CutoverOptions): Promise<number> {
  const { io } = services;
  const now = io.now();
  const store = await services.integrations();
  const stateTable = await services.stateTable();
  const active = (await store.list()).filter((integration) => integration.state !== DELETED_STATE);
  const readiness: Readiness[] = [];
  for (const integration of active) {
    const [meta, resources] = await Promise.all([
      store.integrationState(integration.id),
      resourceStates(services.target.clients.dynamo, stateTable, integration.id),
    ]);
    readiness.push(readinessOf(integration, meta, resources, now, options));
  }
  const queues: { queue: string; messages: number }[] = [];
  for (const queue of await deadLetterQueues(services, undefined)) {
    queues.push({ queue: queue.kind, messages: await services.queueDepth(queue.url, queue.what) });
  }
  const notReady = readiness.filter((entry) => !entry.ready);
  const waiting = queues.filter((queue) => queue.messages > 0);
  const safe = active.length > 0 && notReady.length === 0 && waiting.length === 0;

  if (options.json) {
    say(io, JSON.stringify({ safe, integrations: readiness, deadLetterQueues: queues }, null, 2));
    return safe ? EXIT.ok : EXIT.finding;
  }
  const rows = readiness.map((entry) => [
    entry.integrationId,
    entry.dataChangedCount === 0 ? 'none' : `${entry.dataChangedCount}, last ${ago(entry.lastDataChangedAt, now)}`,
    ago(entry.lastSyncAt, now),
    ago(entry.lastFullRunAt, now),
    entry.swept === undefined ? '-' : `${entry.swept} of ${entry.live ?? 0}`,
    entry.ready ? 'ready' : 'NOT READY',
  ]);
  const header = ['INTEGRATION', 'DATA-CHANGED', 'LAST SYNC', 'LAST FULL SYNC', 'SWEPT', 'VERDICT'];
  for (const line of table(header, rows)) say(io, line);
  for (const entry of notReady) say(io, `  ${entry.integrationId}: ${entry.reasons.join('; ')}`);
  for (const queue of queues) {
    say(
      io,
      `${queue.queue} queue: ${queue.messages === 0 ? 'empty' : `${queue.messages} message(s) (kombo-sync dlq list)`}`,
    );
  }
  say(io);
  if (safe) {
    say(
      io,
      `SAFE: all ${active.length} integration(s) get data-changed events followed by syncs, the weekly safety net`,
    );
    say(io, "runs and sweeps (next to) nothing. You can stop listening to sync-finished in Kombo's dashboard.");
  } else {
    const why = [
      ...(active.length === 0 ? ['no integration is registered'] : []),
      ...(notReady.length > 0 ? [`${notReady.length} of ${active.length} integration(s) not ready`] : []),
      ...(waiting.length > 0 ? [`${waiting.map((queue) => queue.queue).join(', ')} queue(s) not empty`] : []),
    ];
    say(io, `NOT YET: ${why.join('; ')}. Keep listening to sync-finished.`);
  }
  return safe ? EXIT.ok : EXIT.finding;
}
