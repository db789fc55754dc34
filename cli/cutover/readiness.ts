import type { IntegrationState, RegisteredIntegration } from '../../lambdas/core/ports';
import type { ResourceState } from '../aws/state-reader';
import { cadenceOf, isFailing } from '../status/health';
import { DAY_MS, HOUR_MS } from '../views/time';

/**
 * Phase 4 of Kombo's migration guide, per integration: did `data-changed` events arrive lately, did a sync
 * follow the last one, did the weekly safety net run, and how much did it sweep (what the webhooks missed).
 * Pure: the same records and clock give the same verdict.
 */
export interface ReadinessCriteria {
  /** `data-changed` must have arrived within this many days. */
  readonly days: number;
  /** The last full runs may have swept at most this share of the live records. */
  readonly maxSweptPercent: number;
}

export interface Readiness {
  readonly integrationId: string;
  readonly ready: boolean;
  readonly lastDataChangedAt: string | undefined;
  readonly dataChangedCount: number;
  /** The latest walk (delta or full) that finished, of any resource. */
  readonly lastSyncAt: string | undefined;
  readonly lastFullRunAt: string | undefined;
  readonly swept: number | undefined;
  readonly live: number | undefined;
  readonly reasons: readonly string[];
}

/** The weekly run, with a day's slack for a schedule in another time zone or a long run. */
const SAFETY_NET_MS = 8 * DAY_MS;
/** A delta normally follows its webhook within seconds; longer than this, it did not. */
const DELTA_GRACE_MS = HOUR_MS;

export function readinessOf(
  integration: RegisteredIntegration,
  meta: IntegrationState | undefined,
  resources: readonly ResourceState[],
  now: Date,
  criteria: ReadinessCriteria,
): Readiness {
  const reasons: string[] = [];
  const last = integration.dataChanged?.last;
  if (!last) reasons.push('no data-changed received yet');
  else if (now.getTime() - Date.parse(last) > criteria.days * DAY_MS) {
    reasons.push(`no data-changed in the last ${criteria.days} days`);
  }
  const lastSyncAt = latest(resources.map((resource) => resource.lastSuccessAt));
  if (last && (lastSyncAt ?? '') < last && now.getTime() - Date.parse(last) > DELTA_GRACE_MS) {
    reasons.push('no sync finished after the last data-changed');
  }

  const runs = resources.flatMap((resource) => (resource.lastFullRun ? [resource.lastFullRun] : []));
  const lastFullRunAt = latest(runs.map((run) => run.finished_at));
  if (!lastFullRunAt || now.getTime() - Date.parse(lastFullRunAt) > SAFETY_NET_MS) {
    reasons.push('the weekly full sync has not run within 8 days');
  }
  const swept = runs.length > 0 ? runs.reduce((sum, run) => sum + (run.swept ?? 0), 0) : undefined;
  const live = runs.length > 0 ? runs.reduce((sum, run) => sum + (run.live ?? 0), 0) : undefined;
  if (runs.some((run) => run.sweep_braked)) reasons.push('a sweep was braked: check upstream');
  if (swept !== undefined && live !== undefined && swept > (live * criteria.maxSweptPercent) / 100) {
    reasons.push(`the last full sync swept ${swept} of ${live} records: webhooks were missed`);
  }

  // What makes the integration unhealthy makes it unready too (missing, blocked, failing).
  if (integration.missingSince) reasons.push('Kombo does not know it');
  if (meta?.block?.by === 'kombo' && Date.parse(meta.block.until) > now.getTime()) {
    reasons.push(`blocked by Kombo (${meta.block.code})`);
  }
  if (integration.state !== 'ACTIVE') reasons.push(`state ${integration.state}`);
  const failing = resources.filter(isFailing).map((resource) => resource.resource);
  if (failing.length > 0) reasons.push(`failing: ${failing.join(', ')}`);
  if (cadenceOf(integration).kind === 'scheduled')
    reasons.push("data-changed only after Kombo's scheduled syncs (setup flow step?)");

  return {
    integrationId: integration.id,
    ready: reasons.length === 0,
    lastDataChangedAt: last,
    dataChangedCount: integration.dataChanged?.count ?? 0,
    lastSyncAt,
    lastFullRunAt,
    swept,
    live,
    reasons,
  };
}

function latest(values: readonly (string | undefined)[]): string | undefined {
  return values.reduce<string | undefined>((max, value) => (value && (!max || value > max) ? value : max), undefined);
}
