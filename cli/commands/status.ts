import type { Command } from 'commander';
import type { IntegrationState, RegisteredIntegration } from '../../lambdas/core/ports';
import { type FullRun, type ResourceState, resourceStates } from '../aws/state-reader';
import { EXIT } from '../errors';
import { say } from '../io';
import type { Services } from '../services';
import { healthOf, type IntegrationHealth, isFailing, lagOf, worstFirst } from '../status/health';
import { table } from '../views/table';
import { ago, duration } from '../views/time';
import type { Runner } from './runner';

export function addStatusCommand(program: Command, run: Runner): void {
  program
    .command('status')
    .summary('is each integration in sync? (one line each, worst first; or one in detail)')
    .description(
      'Without an argument: every registered integration, one line each, worst first. With one: its registry entry ' +
        'and, per resource, records, delta cursor and lag, last success, last error, walk in progress and the last ' +
        'full sync (swept, braked).',
    )
    .argument('[integration]', 'an integration id, e.g. personio:8d1h…')
    .option('--json', 'machine-readable output')
    .action((integrationId: string | undefined, options: { json?: boolean }, command: Command) =>
      run(command, (services) =>
        integrationId
          ? detail(services, integrationId, options.json === true)
          : overview(services, options.json === true),
      ),
    );
}

interface Gathered {
  readonly id: string;
  readonly integration: RegisteredIntegration;
  readonly meta: IntegrationState | undefined;
  readonly resources: readonly ResourceState[];
  readonly health: IntegrationHealth;
}

async function gather(services: Services, integration: RegisteredIntegration): Promise<Gathered> {
  const store = await services.integrations();
  const [meta, resources] = await Promise.all([
    store.integrationState(integration.id),
    resourceStates(services.target.clients.dynamo, await services.stateTable(), integration.id),
  ]);
  const health = healthOf(integration, meta, resources, services.io.now());
  return { id: integration.id, integration, meta, resources, health };
}

async function overview(services: Services, json: boolean): Promise<number> {
  const { io } = services;
  const registered = await (await services.integrations()).list();
  const all: Gathered[] = [];
  // A few at a time: three small queries each.
  for (let start = 0; start < registered.length; start += 8) {
    all.push(...(await Promise.all(registered.slice(start, start + 8).map((entry) => gather(services, entry)))));
  }
  all.sort(worstFirst);
  if (json) {
    say(io, JSON.stringify(all.map(summaryJson), null, 2));
    return EXIT.ok;
  }
  if (all.length === 0) {
    say(io, 'no integrations registered yet (they register with their first webhook, or `kombo-sync register`)');
    return EXIT.ok;
  }
  const now = io.now();
  const rows = all.map(({ integration, health }) => [
    integration.id,
    integration.tool,
    integration.category,
    integration.state,
    cadenceText(health),
    ago(integration.dataChanged?.last, now),
    health.maxLagMs === undefined ? '-' : duration(health.maxLagMs),
    healthText(health),
  ]);
  for (const line of table(
    ['INTEGRATION', 'TOOL', 'CATEGORY', 'STATE', 'CADENCE', 'LAST DATA-CHANGED', 'LAG', 'HEALTH'],
    rows,
  ))
    say(io, line);
  return EXIT.ok;
}

async function detail(services: Services, integrationId: string, json: boolean): Promise<number> {
  const { io } = services;
  const gathered = await gather(services, await services.integration(integrationId));
  const { reader } = await services.records();
  const counts = await Promise.all(
    gathered.resources.map((resource) => reader.count({ integrationId, resource: resource.resource })),
  );
  if (json) {
    const resources = gathered.resources.map((resource, index) => ({ ...resource, records: counts[index] }));
    say(io, JSON.stringify({ ...summaryJson(gathered), meta: gathered.meta ?? null, resources }, null, 2));
    return EXIT.ok;
  }
  const { integration, meta, health } = gathered;
  const now = io.now();
  const changed = integration.dataChanged;
  say(io, `${integration.id}  ${integration.tool} ${integration.category}  state ${integration.state}`);
  say(io, `  origin id        ${integration.originId ?? '-'}`);
  say(io, `  first seen       ${integration.firstSeenAt}, last seen ${ago(integration.lastSeenAt, now)}`);
  say(
    io,
    `  data-changed     ${changed ? `${changed.count} since ${changed.first}, last ${ago(changed.last, now)}` : 'none yet'}`,
  );
  say(io, `  cadence          ${cadenceText(health)}`);
  if (meta?.unavailableResources.length) say(io, `  not available    ${meta.unavailableResources.join(', ')}`);
  say(io, `  health           ${healthText(health)}`);
  say(io);
  const rows = gathered.resources.map((resource, index) => {
    const lag = lagOf(resource, now);
    const run = resource.lastFullRun;
    return [
      resource.resource,
      `${counts[index]?.live ?? 0} (+${counts[index]?.tombstones ?? 0} deleted)`,
      lag === undefined ? '-' : duration(lag),
      resource.lastWalk
        ? `${ago(resource.lastSuccessAt, now)} (${resource.lastWalk.kind})`
        : ago(resource.lastSuccessAt, now),
      resource.walk
        ? `${resource.walk.kind}, ${resource.walk.pages} pages since ${ago(resource.walk.started_at, now)}`
        : '-',
      run ? fullRunText(run, now) : '-',
      resource.lastError
        ? `${isFailing(resource) ? 'FAILING ' : ''}${resource.lastError.code ?? 'error'} ${ago(resource.lastError.at, now)}`
        : '-',
    ];
  });
  const header = ['RESOURCE', 'RECORDS', 'LAG', 'LAST SUCCESS', 'WALK IN PROGRESS', 'LAST FULL SYNC', 'LAST ERROR'];
  for (const line of table(header, rows)) say(io, line);
  return EXIT.ok;
}

/** `2h ago: 400 live, 0 candidates, swept 0`, and BRAKED when the brake held. */
function fullRunText(run: FullRun, now: Date): string {
  const candidates = run.sweep_candidates ?? 0;
  const outcome = run.sweep_braked ? `BRAKED (${candidates} would go)` : `swept ${run.swept ?? 0}`;
  return `${ago(run.finished_at, now)}: ${run.live ?? 0} live, ${candidates} candidates, ${outcome}`;
}

function healthText({ severity, problems }: IntegrationHealth): string {
  return problems.length > 0 ? `${severity}: ${problems.join('; ')}` : severity;
}

function cadenceText({ cadence }: IntegrationHealth): string {
  if (cadence.typicalGapMs === undefined) return 'unknown';
  return `${cadence.kind} (~${duration(cadence.typicalGapMs)})`;
}

function summaryJson({ integration, health }: Gathered) {
  return {
    ...integration,
    realTime: health.cadence.kind === 'real-time',
    cadence: health.cadence,
    health: health.severity,
    problems: health.problems,
    maxLagMs: health.maxLagMs ?? null,
  };
}
