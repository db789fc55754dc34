import type { DynamoRecordStore } from '../../lambdas/adapters/dynamodb/records-store';
import type { KomboClient } from '../../lambdas/core/kombo/client';
import type { KomboRecord } from '../../lambdas/core/kombo/responses';
import type { Deadline } from '../../lambdas/core/ports';
import type { MirrorReader } from '../aws/mirror-reader';
import { compare, compareAbsent, DRIFT_KINDS, type DriftKind, differingFields, upstreamItem } from './compare';
import { recordsByIds } from './kombo-by-ids';

/**
 * One resource of one integration, compared with Kombo: every record (walking Kombo's list like a full sync,
 * without writing anything) or a random sample of the mirror's records (asked for by id).
 */
export interface Finding {
  readonly id: string;
  readonly mirrorChangedAt?: string;
  readonly komboChangedAt?: string;
  /** Top-level fields whose values differ; names only. */
  readonly fields?: readonly string[];
}

export interface ResourceReport {
  readonly resource: string;
  readonly mode: 'all' | 'sample';
  /** Records compared. */
  readonly checked: number;
  readonly drift: Record<DriftKind, Finding[]>;
  /** Written by a sync while the check ran: not judged. */
  readonly changedDuringCheck: number;
}

export interface VerifyDependencies {
  readonly kombo: KomboClient;
  readonly reader: MirrorReader;
  readonly store: DynamoRecordStore;
  readonly deadline: Deadline;
  readonly now: () => Date;
  readonly onProgress: (text: string) => void;
}

/** Field names are looked up for this many stale or differing records per resource (one read each). */
const FIELD_DETAILS = 20;

type Partition = { readonly integrationId: string; readonly resource: string };

export async function verifyResource(
  partition: Partition,
  sample: number | undefined,
  deps: VerifyDependencies,
): Promise<ResourceReport> {
  const startedAt = deps.now();
  const report = new ReportBuilder(partition, sample === undefined ? 'all' : 'sample', startedAt, deps);
  if (sample === undefined) await compareAll(partition, report, deps);
  else await compareSample(partition, sample, report, deps);
  return report.finish();
}

async function compareAll(partition: Partition, report: ReportBuilder, deps: VerifyDependencies): Promise<void> {
  const seen = new Set<string>();
  const query = { ...partition, includeDeleted: true };
  for await (const page of deps.kombo.pages(query, { deadline: deps.deadline })) {
    await report.compareRecords(page.records);
    for (const record of page.records) seen.add(record.id);
    deps.onProgress(`${partition.resource}: ${seen.size} records compared`);
  }
  // Live in the mirror, not in Kombo's list, written before the check began: the worker's own sweep query.
  const candidates: string[] = [];
  let key: string | undefined;
  do {
    const page = await deps.store.sweepCandidates(partition, report.startedAtIso, seen, key);
    candidates.push(...page.result.ids);
    key = page.nextKey;
  } while (key !== undefined);
  // A list walked while data changes can skip a record: asked for by id, it is compared, not called extra.
  await report.compareByIds(candidates);
}

async function compareSample(
  partition: Partition,
  size: number,
  report: ReportBuilder,
  deps: VerifyDependencies,
): Promise<void> {
  // Reservoir sampling: every stored record equally likely, one pass, `size` ids in memory.
  const chosen: string[] = [];
  let count = 0;
  for await (const id of deps.reader.ids(partition)) {
    count++;
    if (chosen.length < size) chosen.push(id);
    else {
      const slot = Math.floor(Math.random() * count);
      if (slot < size) chosen[slot] = id;
    }
  }
  deps.onProgress(`${partition.resource}: comparing ${chosen.length} of ${count} stored records`);
  await report.compareByIds(chosen);
}

class ReportBuilder {
  readonly startedAtIso: string;
  private checked = 0;
  private changedDuringCheck = 0;
  private readonly drift: Record<DriftKind, Finding[]> = { missing: [], extra: [], stale: [], differing: [] };
  private readonly detail: { id: string; record: KomboRecord; kind: DriftKind }[] = [];

  constructor(
    private readonly partition: Partition,
    private readonly mode: 'all' | 'sample',
    private readonly startedAt: Date,
    private readonly deps: VerifyDependencies,
  ) {
    this.startedAtIso = startedAt.toISOString();
  }

  async compareRecords(records: readonly KomboRecord[]): Promise<void> {
    const stored = await this.deps.reader.versions(
      this.partition,
      records.map((record) => record.id),
    );
    for (const record of records) {
      const item = upstreamItem(this.partition.integrationId, this.partition.resource, record, this.startedAt);
      const mirror = stored.get(record.id);
      const verdict = compare(item, mirror, this.startedAtIso);
      this.count(verdict, { id: record.id, mirrorChangedAt: mirror?.changedAt, komboChangedAt: item.changed_at });
      if ((verdict === 'stale' || verdict === 'differing') && this.detail.length < FIELD_DETAILS)
        this.detail.push({ id: record.id, record, kind: verdict });
    }
  }

  async compareByIds(ids: readonly string[]): Promise<void> {
    const upstream = await recordsByIds(this.deps.kombo, this.partition, ids, this.deps.deadline);
    await this.compareRecords([...upstream.values()]);
    const absent = ids.filter((id) => !upstream.has(id));
    const stored = await this.deps.reader.versions(this.partition, absent);
    for (const id of absent) {
      const mirror = stored.get(id);
      this.count(compareAbsent(mirror, this.startedAtIso), { id, mirrorChangedAt: mirror?.changedAt });
    }
  }

  async finish(): Promise<ResourceReport> {
    for (const { id, record, kind } of this.detail) {
      const content = await this.deps.reader.content(this.partition, id);
      const fields = content ? differingFields(record, content) : undefined;
      const findings = this.drift[kind];
      const index = findings.findIndex((finding) => finding.id === id);
      if (index >= 0 && fields) findings[index] = { ...findings[index], id, fields };
    }
    return {
      resource: this.partition.resource,
      mode: this.mode,
      checked: this.checked,
      drift: this.drift,
      changedDuringCheck: this.changedDuringCheck,
    };
  }

  private count(verdict: ReturnType<typeof compare>, finding: Finding): void {
    this.checked++;
    if (verdict === 'changed-during-check') this.changedDuringCheck++;
    else if ((DRIFT_KINDS as readonly string[]).includes(verdict)) this.drift[verdict as DriftKind].push(finding);
  }
}
