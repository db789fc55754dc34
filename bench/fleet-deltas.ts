/**
 * Deltas while the weekly run works: every interval one random record of the fleet changes
 * upstream and Kombo sends a signed `data-changed` webhook for its model (the catalogue's first for
 * the resource) through the real webhook function. A delta's latency runs from the webhook's 200 until the records table holds the new
 * `changed_at`, watched by one BatchGetItem of every pending record every 50 ms (so it includes up
 * to 50 ms of polling and one read).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { resourceDefinition } from '../lambdas/core/kombo/catalogue';
import { recordPartition } from '../lambdas/core/table-keys';
import { type Pipeline, RECORDS_TABLE } from '../local/pipeline';
import type { FleetDataset } from './fleet-data';
import { round } from './harness';

const CHECK_INTERVAL_MS = 50;
/** BatchGetItem takes at most 100 keys. */
const KEYS_PER_READ = 100;

export interface DeltaLatency {
  /** Webhooks sent; each answered 200 (then served or unserved) or not (failed). */
  readonly sent: number;
  readonly served: number;
  /** Answered 200, but the change was not stored by the end of the phase. */
  readonly unserved: number;
  readonly webhookFailures: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /**
   * Of the served: from the 200 to the first request for the resource at the fake (queue, coalescing
   * window, the worker's reads, the budget); the rest of the latency is the walk and its writes.
   */
  readonly toFirstRequestP50Ms: number | null;
  readonly toFirstRequestP99Ms: number | null;
}

export interface DeltaDriver {
  /** Sends no more webhooks; resolves once those in flight are answered. */
  stopSending(): Promise<void>;
  /** Watches until every pending change is stored or `graceMs` passed, then reports. */
  finish(graceMs: number): Promise<DeltaLatency>;
}

interface Pending {
  readonly integrationId: string;
  readonly resource: string;
  readonly pk: string;
  readonly sk: string;
  readonly changedAt: string;
  /** performance.now() when the webhook answered 200. */
  readonly answeredAt: number;
  /** The same as epoch ms, the fake's request log's time. */
  readonly answeredAtEpoch: number;
}

export function startDeltaDriver(
  pipeline: Pipeline,
  dataset: FleetDataset,
  intervalMs: number,
  random: () => number,
): DeltaDriver {
  const pending: Pending[] = [];
  const served: (Pending & { readonly latencyMs: number })[] = [];
  let sent = 0;
  let webhookFailures = 0;
  let sending = true;
  let watching = true;
  const inFlight = new Set<Promise<void>>();

  const sendOne = async () => {
    const target = dataset.resources[Math.floor(random() * dataset.resources.length)];
    if (!target) return;
    const { integrationId, resource } = target;
    const records = pipeline.kombo.records(integrationId, resource);
    const record = records[Math.floor(random() * records.length)];
    if (!record) return;
    const changed = pipeline.kombo.update(integrationId, resource, record.id);
    sent++;
    try {
      const { status } = await pipeline.kombo.sendDataChanged({
        url: pipeline.webhook.url,
        secret: pipeline.webhookSecret,
        integrationId,
        // The resource's own model (`hris/groups`: `hris_teams`); the webhook function maps it to
        // every resource it affects, as in production.
        changedModels: [resourceDefinition(resource)?.models[0] ?? resource],
      });
      if (status !== 200) {
        webhookFailures++;
        return;
      }
    } catch {
      webhookFailures++;
      return;
    }
    pending.push({
      integrationId,
      resource,
      pk: recordPartition(integrationId, resource),
      sk: record.id,
      changedAt: new Date(changed.changed_at).toISOString(),
      answeredAt: performance.now(),
      answeredAtEpoch: Date.now(),
    });
  };

  const sender = (async () => {
    let next = performance.now();
    while (sending) {
      // Not awaited: a slow answer must not stretch the interval.
      const delivery = sendOne().finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
      next += intervalMs;
      await sleep(Math.max(0, next - performance.now()));
    }
    await Promise.all(inFlight);
  })();

  const check = async () => {
    const keys = new Map(pending.map(({ pk, sk }) => [`${pk}\u0000${sk}`, { pk, sk }]));
    const stored = new Map<string, string>();
    const all = [...keys.values()];
    for (let start = 0; start < all.length; start += KEYS_PER_READ) {
      const answer = await pipeline.dynamo.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [RECORDS_TABLE]: {
              Keys: all.slice(start, start + KEYS_PER_READ),
              ProjectionExpression: '#pk, #sk, #changed',
              ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#changed': 'changed_at' },
            },
          },
        }),
      );
      for (const item of answer.Responses?.[RECORDS_TABLE] ?? [])
        stored.set(`${item.pk}\u0000${item.sk}`, String(item.changed_at));
    }
    const now = performance.now();
    for (let index = pending.length - 1; index >= 0; index--) {
      const change = pending[index] as Pending;
      const changedAt = stored.get(`${change.pk}\u0000${change.sk}`);
      if (changedAt !== undefined && changedAt >= change.changedAt) {
        served.push({ ...change, latencyMs: now - change.answeredAt });
        pending.splice(index, 1);
      }
    }
  };

  const watcher = (async () => {
    while (watching) {
      // Keys a read left unprocessed, or a failed read, are simply read again on the next round.
      await check().catch(() => undefined);
      await sleep(CHECK_INTERVAL_MS);
    }
  })();

  return {
    async stopSending() {
      sending = false;
      await sender;
    },
    async finish(graceMs) {
      const until = performance.now() + graceMs;
      while (pending.length > 0 && performance.now() < until) await sleep(CHECK_INTERVAL_MS);
      watching = false;
      await watcher;
      const latencies = served.map((delta) => delta.latencyMs);
      const toFirstRequest = served.flatMap((delta) => {
        const first = pipeline.kombo.requests.find(
          (request) =>
            request.at >= delta.answeredAtEpoch &&
            request.integrationId === delta.integrationId &&
            request.resource === delta.resource,
        );
        return first ? [first.at - delta.answeredAtEpoch] : [];
      });
      return {
        sent,
        served: served.length,
        unserved: pending.length,
        webhookFailures,
        p50Ms: percentile(latencies, 0.5, 0),
        p99Ms: percentile(latencies, 0.99, 0),
        maxMs: percentile(latencies, 1, 0),
        toFirstRequestP50Ms: percentile(toFirstRequest, 0.5, 0),
        toFirstRequestP99Ms: percentile(toFirstRequest, 0.99, 0),
      };
    },
  };
}

/** Nearest-rank percentile (q = 1: the maximum); null without values. */
export function percentile(values: readonly number[], q: number, digits: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0, digits);
}
