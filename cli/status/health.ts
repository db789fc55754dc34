import {
  ACTIVE_STATE,
  DELETED_STATE,
  type IntegrationState,
  type RegisteredIntegration,
} from '../../lambdas/core/ports';
import type { ResourceState } from '../aws/state-reader';
import { DAY_MS, duration, HOUR_MS } from '../views/time';

/**
 * An integration's health from what the stack recorded, judged for an operator. Pure: the same records and
 * clock give the same verdict (tested without AWS).
 */
export type Severity = 'error' | 'warning' | 'ok' | 'deleted';
const RANK: Record<Severity, number> = { error: 3, warning: 2, ok: 1, deleted: 0 };

/** Kombo's webhook-driven tools answer within seconds; its scheduled syncs run every few hours. */
const REAL_TIME_GAP_MS = HOUR_MS;
/**
 * Lag beyond which a resource's delta cursor is worth a look. A resource nothing changed in is walked only by
 * the weekly full sync, so its cursor may lag a week without anything wrong; more means the safety net missed it.
 */
const LAG_WARNING_MS = 8 * DAY_MS;
/** A `data-changed` at least this recent counts as the webhooks flowing. */
export const QUIET_AFTER_MS = 7 * DAY_MS;

export interface Cadence {
  readonly kind: 'real-time' | 'scheduled' | 'unknown';
  /** The typical gap between `data-changed` events: (last − first) ÷ (count − 1). */
  readonly typicalGapMs: number | undefined;
}

export interface IntegrationHealth {
  readonly severity: Severity;
  readonly problems: readonly string[];
  readonly cadence: Cadence;
  /** The largest delta-cursor lag of its resources. */
  readonly maxLagMs: number | undefined;
}

export function cadenceOf(integration: RegisteredIntegration): Cadence {
  const changed = integration.dataChanged;
  if (!changed || changed.count < 2) return { kind: 'unknown', typicalGapMs: undefined };
  const gap = (Date.parse(changed.last) - Date.parse(changed.first)) / (changed.count - 1);
  return { kind: gap <= REAL_TIME_GAP_MS ? 'real-time' : 'scheduled', typicalGapMs: gap };
}

export function lagOf(resource: ResourceState, now: Date): number | undefined {
  return resource.deltaCursor ? now.getTime() - Date.parse(resource.deltaCursor) : undefined;
}

/** A resource whose last error is newer than its last success is failing now. */
export function isFailing(resource: ResourceState): boolean {
  return resource.lastError !== undefined && (resource.lastSuccessAt ?? '') < resource.lastError.at;
}

export function healthOf(
  integration: RegisteredIntegration,
  meta: IntegrationState | undefined,
  resources: readonly ResourceState[],
  now: Date,
): IntegrationHealth {
  const cadence = cadenceOf(integration);
  const lags = resources.map((resource) => lagOf(resource, now)).filter((lag): lag is number => lag !== undefined);
  const maxLagMs = lags.length > 0 ? Math.max(...lags) : undefined;
  if (integration.state === DELETED_STATE || meta?.deletedAt) {
    return { severity: 'deleted', problems: meta?.purge ? ['purge in progress'] : [], cadence, maxLagMs };
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  if (integration.missingSince) errors.push(`Kombo does not know it since ${integration.missingSince}`);
  if (meta?.block?.by === 'kombo' && Date.parse(meta.block.until) > now.getTime()) {
    errors.push(`blocked by Kombo (${meta.block.code}) until ${meta.block.until}`);
  }
  if (integration.state !== ACTIVE_STATE) warnings.push(`state ${integration.state}: its jobs are skipped`);
  for (const resource of resources) {
    if (isFailing(resource)) errors.push(`${resource.resource} failing (${resource.lastError?.code ?? 'error'})`);
    if (resource.walk?.failure) errors.push(`${resource.resource} walk failed ${resource.walk.failure.count}x`);
    if (resource.lastFullRun?.sweep_braked) errors.push(`${resource.resource} sweep braked`);
    const lag = lagOf(resource, now);
    if (lag !== undefined && lag > LAG_WARNING_MS) warnings.push(`${resource.resource} ${duration(lag)} behind`);
  }
  if (resources.length === 0) warnings.push('nothing synced yet');
  const last = integration.dataChanged?.last;
  if (!last) warnings.push('no data-changed received yet');
  else if (now.getTime() - Date.parse(last) > QUIET_AFTER_MS) warnings.push('no data-changed for 7 days');
  if (cadence.kind === 'scheduled') warnings.push("data-changed only after Kombo's scheduled syncs (setup flow step?)");
  const severity: Severity = errors.length > 0 ? 'error' : warnings.length > 0 ? 'warning' : 'ok';
  return { severity, problems: [...errors, ...warnings], cadence, maxLagMs };
}

/** Worst first: by severity, then by lag, then by id. */
export function worstFirst<T extends { id: string; health: IntegrationHealth }>(a: T, b: T): number {
  return (
    RANK[b.health.severity] - RANK[a.health.severity] ||
    (b.health.maxLagMs ?? -1) - (a.health.maxLagMs ?? -1) ||
    a.id.localeCompare(b.id)
  );
}
