import { type Command, InvalidArgumentError, Option } from 'commander';
import { resourceDefinition } from '../../lambdas/core/kombo/catalogue';
import { KomboClient } from '../../lambdas/core/kombo/client';
import { resourceStates } from '../aws/state-reader';
import { CliError, EXIT } from '../errors';
import { progress, say } from '../io';
import type { Services } from '../services';
import { DRIFT_KINDS } from '../verify/compare';
import { type ResourceReport, verifyResource } from '../verify/verify-resource';
import { duration } from '../views/time';
import type { Runner } from './runner';

interface VerifyOptions {
  readonly resource?: string[];
  readonly sample?: number;
  readonly json?: boolean;
}

/** Ids listed per kind and resource in the text report (`--json` lists all). */
const SHOWN = 20;
/** No Lambda deadline here: the client's waits and retries are bounded by its own limits. */
const NO_DEADLINE = { remainingMs: () => 7 * 86_400_000 };

export function addVerifyCommand(program: Command, run: Runner): void {
  program
    .command('verify')
    .summary('compare the mirror with Kombo; exit 1 on drift')
    .description(
      "Reads each resource from Kombo (the worker's client: same retries and rate-limit handling, nothing " +
        'written) and compares it with the mirror by id, changed_at and content hash. Reports missing (in Kombo, ' +
        'not in the mirror), extra (in the mirror, gone or deleted in Kombo), stale (the mirror is older) and ' +
        'differing (same changed_at, other content) records, by id and field names only. Exit code 1 on drift. ' +
        'Records written by a sync while it runs are not judged. Progress goes to stderr.',
    )
    .argument('<integration>', 'an integration id')
    .addOption(new Option('--resource <resource...>', 'only these resources (default: every resource synced)'))
    .addOption(
      new Option(
        '--sample <n>',
        'compare n random records of the mirror per resource (finds no missing ones)',
      ).argParser(positiveInteger),
    )
    .option('--json', 'machine-readable output, every id')
    .action((integrationId: string, options: VerifyOptions, command: Command) =>
      run(command, (services) => verify(services, integrationId, options)),
    );
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a positive integer');
  return number;
}

async function verify(services: Services, integrationId: string, options: VerifyOptions): Promise<number> {
  const { io } = services;
  const unknown = (options.resource ?? []).filter((resource) => resourceDefinition(resource) === undefined);
  if (unknown.length > 0) throw new CliError(`not a resource in the catalogue: ${unknown.join(', ')}`);
  await services.integration(integrationId);
  const synced = await resourceStates(services.target.clients.dynamo, await services.stateTable(), integrationId);
  const resources = options.resource ?? synced.map((state) => state.resource);
  if (resources.length === 0) throw new CliError(`nothing synced yet for ${integrationId}: no resource to verify`);
  const { store, reader } = await services.records();
  const { baseUrl, apiKey } = await services.target.kombo();
  const shown = progress(io);
  const kombo = new KomboClient({
    baseUrl,
    apiKey,
    onRetry: (notice) => shown.update(`Kombo: ${notice.reason}; retrying in ${duration(notice.waitMs)}`),
  });
  const started = Date.now();
  const reports: ResourceReport[] = [];
  for (const resource of resources) {
    reports.push(
      await verifyResource({ integrationId, resource }, options.sample, {
        kombo,
        reader,
        store,
        deadline: NO_DEADLINE,
        now: io.now,
        onProgress: (text) => shown.update(text),
      }),
    );
  }
  shown.done();
  const drifted = reports.reduce((sum, report) => sum + driftCount(report), 0);
  if (options.json) say(io, JSON.stringify({ integrationId, drift: drifted > 0, resources: reports }, null, 2));
  else printReports(services, integrationId, reports, drifted, Date.now() - started);
  return drifted > 0 ? EXIT.finding : EXIT.ok;
}

const driftCount = (report: ResourceReport) => DRIFT_KINDS.reduce((sum, kind) => sum + report.drift[kind].length, 0);

function printReports(
  services: Services,
  integrationId: string,
  reports: readonly ResourceReport[],
  drifted: number,
  tookMs: number,
): void {
  const { io } = services;
  const empty = reports.filter((report) => report.checked === 0);
  for (const report of reports.filter((each) => each.checked > 0)) {
    const counts = DRIFT_KINDS.map((kind) => `${report.drift[kind].length} ${kind}`).join(', ');
    const during = report.changedDuringCheck > 0 ? `; ${report.changedDuringCheck} synced during the check` : '';
    const scope = report.mode === 'sample' ? `${report.checked} sampled` : `${report.checked} compared`;
    say(io, `${report.resource}: ${scope}: ${driftCount(report) === 0 ? 'in sync' : counts}${during}`);
    for (const kind of DRIFT_KINDS) {
      for (const finding of report.drift[kind].slice(0, SHOWN)) {
        const fields = finding.fields?.length ? `  fields: ${finding.fields.join(', ')}` : '';
        const times =
          finding.mirrorChangedAt && finding.komboChangedAt && kind !== 'missing'
            ? `  (mirror ${finding.mirrorChangedAt}, Kombo ${finding.komboChangedAt})`
            : '';
        say(io, `  ${kind.padEnd(9)} ${finding.id}${times}${fields}`);
      }
      const more = report.drift[kind].length - SHOWN;
      if (more > 0) say(io, `  … and ${more} more ${kind} (--json lists all)`);
    }
  }
  if (empty.length > 0)
    say(io, `empty in Kombo and in the mirror: ${empty.map((report) => report.resource).join(', ')}`);
  if (reports.some((report) => report.mode === 'sample')) {
    say(io, 'a sample finds no missing records: run without --sample for those');
  }
  say(
    io,
    drifted === 0
      ? `no drift: ${integrationId} matches Kombo (${duration(tookMs)})`
      : `DRIFT: ${drifted} record(s) of ${integrationId} differ from Kombo. A full sync repairs it: kombo-sync sync ${integrationId} --full`,
  );
}
