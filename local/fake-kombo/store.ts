/**
 * The fake's database: integrations and, per integration and resource, an append-only table of
 * records. A record's position (`seq`, 1-based) never changes, so cursors are keyset positions:
 * records created during a walk appear after the existing ones, and no existing record is
 * skipped or repeated, like paging over a real database ordered by an immutable key.
 */
import { generatorFor, type ResourceGenerator } from './generators';
import { recordKomboId } from './ids';
import { recordRandom, type StreamKeys, streamKeys } from './random';
import { readModelsOf } from './read-models';
import type { Category, FakeRecord, Integration, IntegrationInput, IntegrationState, RecordsOptions } from './types';

/** Misuse of the fake (unknown integration, resource or id); the admin API answers it with 4xx. */
export class FakeKomboUsageError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'conflict' | 'invalid',
  ) {
    super(message);
    this.name = 'FakeKomboUsageError';
  }
}

interface StoredRecord {
  record: FakeRecord;
  /** Epoch ms of the last direct or nested change: what `updated_after` compares against. */
  updatedAtMs: number;
  /** Gone without a trace (no `remote_deleted_at`), as after Kombo's purge of old deletions. */
  vanished?: boolean;
}

interface ResourceTable {
  readonly generator: ResourceGenerator;
  /** Seeds the per-record generators of this (integration, resource). */
  readonly streamKeys: StreamKeys;
  /** Ordered by seq: `rows[seq - 1]`. */
  readonly rows: StoredRecord[];
  readonly seqById: Map<string, number>;
}

interface IntegrationEntry {
  integration: Integration;
  readonly tables: Map<string, ResourceTable>;
}

/** What one page request asks for, already validated. */
export interface PageRequest {
  /** Return records after this seq (0 = from the start). */
  readonly afterSeq: number;
  readonly pageSize: number;
  readonly updatedAfterMs: number | null;
  readonly includeDeleted: boolean;
  readonly ids: ReadonlySet<string> | null;
  readonly remoteIds: ReadonlySet<string> | null;
}

export interface Page {
  readonly results: FakeRecord[];
  /** Seq of the last returned record, where the next page starts; null when this is the last page. */
  readonly nextAfterSeq: number | null;
}

export class FakeStore {
  private readonly integrations = new Map<string, IntegrationEntry>();

  constructor(
    private readonly seedValue: number,
    private readonly clock: () => Date,
  ) {}

  addIntegration(input: IntegrationInput): Integration {
    if (this.integrations.has(input.id)) {
      throw new FakeKomboUsageError(`integration ${input.id} already exists`, 'conflict');
    }
    const integration: Integration = {
      id: input.id,
      tool: input.tool ?? defaultTool(input.id),
      category: input.category,
      state: input.state ?? 'ACTIVE',
      originId: input.originId === undefined ? `origin-${input.id}` : input.originId,
      organizationName: input.organizationName ?? `Organization ${input.id}`,
      createdAt: this.clock().toISOString(),
      dataExpiredAt: null,
      unavailableReadModels: [],
    };
    this.integrations.set(input.id, { integration, tables: new Map() });
    return integration;
  }

  setIntegrationState(id: string, state: IntegrationState): void {
    const entry = this.integrationEntry(id);
    entry.integration = { ...entry.integration, state };
  }

  setReadModelAvailable(id: string, modelId: string, available: boolean): void {
    const entry = this.integrationEntry(id);
    const { category, unavailableReadModels } = entry.integration;
    const known = readModelsOf(category).map((model) => model.id);
    if (!known.includes(modelId)) {
      throw new FakeKomboUsageError(
        `${modelId} is no read model of the ${category} integration ${id}; expected one of ${known.join(', ')}`,
        'invalid',
      );
    }
    const others = unavailableReadModels.filter((other) => other !== modelId);
    entry.integration = { ...entry.integration, unavailableReadModels: available ? others : [...others, modelId] };
  }

  setDataExpiredAt(id: string, iso: string | null): void {
    const entry = this.integrationEntry(id);
    if (iso !== null && (typeof iso !== 'string' || Number.isNaN(Date.parse(iso)))) {
      throw new FakeKomboUsageError(`dataExpiredAt must be a date-time or null, got ${JSON.stringify(iso)}`, 'invalid');
    }
    entry.integration = { ...entry.integration, dataExpiredAt: iso === null ? null : new Date(iso).toISOString() };
  }

  /** Records go with it; adding the id again starts afresh. */
  removeIntegration(id: string): void {
    this.integrationEntry(id); // throws for an unknown id, like every other control
    this.integrations.delete(id);
  }

  findIntegration(id: string): Integration | undefined {
    return this.integrations.get(id)?.integration;
  }

  seed(integrationId: string, resource: string, count: number): FakeRecord[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new FakeKomboUsageError(`count must be a non-negative integer, got ${count}`, 'invalid');
    }
    const table = this.table(integrationId, resource);
    const now = this.clock();
    const created: FakeRecord[] = [];
    for (let index = 0; index < count; index++) created.push(this.append(integrationId, resource, table, now, null));
    return created;
  }

  create(integrationId: string, resource: string, overrides?: Record<string, unknown>): FakeRecord {
    const table = this.table(integrationId, resource);
    return this.append(integrationId, resource, table, this.clock(), overrides ?? null);
  }

  update(integrationId: string, resource: string, id: string, patch: Record<string, unknown> = {}): FakeRecord {
    const stored = this.stored(integrationId, resource, id);
    const now = this.clock();
    const nowIso = now.toISOString();
    const before = stored.record;
    stored.record = {
      ...before,
      // Tools report their own update time; keep it plausible unless the patch says otherwise.
      ...('remote_updated_at' in before ? { remote_updated_at: nowIso } : {}),
      ...patch,
      id: before.id,
      changed_at: nowIso,
      remote_deleted_at:
        'remote_deleted_at' in patch ? toNullableString(patch.remote_deleted_at) : before.remote_deleted_at,
      remote_id: 'remote_id' in patch ? toNullableString(patch.remote_id) : before.remote_id,
    };
    stored.updatedAtMs = now.getTime();
    return stored.record;
  }

  touchNested(integrationId: string, resource: string, id: string, patch?: Record<string, unknown>): void {
    const stored = this.stored(integrationId, resource, id);
    // Nested data is part of the answer: it may change while the record's own `changed_at` stays.
    if (patch)
      stored.record = { ...stored.record, ...patch, id: stored.record.id, changed_at: stored.record.changed_at };
    stored.updatedAtMs = this.clock().getTime();
  }

  /**
   * The customer opted out of a field (a scope change): it leaves every record of the resource,
   * and `changed_at` stays, since the records themselves did not change in the tool.
   */
  dropField(integrationId: string, resource: string, field: string): void {
    for (const row of this.table(integrationId, resource).rows) {
      const { [field]: _dropped, ...rest } = row.record;
      row.record = rest as FakeRecord;
    }
  }

  /** Idempotent: removing a deleted record changes nothing, as Kombo only marks a record once. */
  remove(integrationId: string, resource: string, id: string): FakeRecord {
    const stored = this.stored(integrationId, resource, id);
    if (stored.record.remote_deleted_at !== null) return stored.record;
    const now = this.clock();
    stored.record = { ...stored.record, remote_deleted_at: now.toISOString(), changed_at: now.toISOString() };
    stored.updatedAtMs = now.getTime();
    return stored.record;
  }

  /** Makes the record disappear from every answer, deleted or not: what only a full sync can notice. */
  vanish(integrationId: string, resource: string, id: string): void {
    this.stored(integrationId, resource, id).vanished = true;
  }

  records(integrationId: string, resource: string, options: RecordsOptions = {}): FakeRecord[] {
    const rows = this.table(integrationId, resource).rows.filter((row) => !row.vanished);
    const visible = options.includeDeleted ? rows : rows.filter((row) => row.record.remote_deleted_at === null);
    return visible.map((row) => row.record);
  }

  /** How many of `ids` have no record here; soft-deleted records count as known, vanished ones not. */
  countUnknownIds(integrationId: string, resource: string, ids: ReadonlySet<string>): number {
    const table = this.table(integrationId, resource);
    let unknown = 0;
    for (const id of ids) {
      const seq = table.seqById.get(id);
      if (seq === undefined || table.rows[seq - 1].vanished) unknown++;
    }
    return unknown;
  }

  page(integrationId: string, resource: string, request: PageRequest): Page {
    const rows = this.table(integrationId, resource).rows;
    const results: FakeRecord[] = [];
    let seq = request.afterSeq;
    while (seq < rows.length && results.length < request.pageSize) {
      const row = rows[seq];
      seq++;
      if (matches(row, request)) results.push(row.record);
    }
    // A full page is the last one only if no matching record follows (no empty trailing page).
    let more = false;
    for (let next = seq; results.length === request.pageSize && next < rows.length; next++) {
      if (matches(rows[next], request)) {
        more = true;
        break;
      }
    }
    return { results, nextAfterSeq: more ? seq : null };
  }

  private append(
    integrationId: string,
    resource: string,
    table: ResourceTable,
    now: Date,
    overrides: Record<string, unknown> | null,
  ): FakeRecord {
    const ordinal = table.rows.length;
    const random = recordRandom(this.seedValue, table.streamKeys, ordinal);
    const generatedId = recordKomboId(random, ordinal);
    const nowIso = now.toISOString();
    const fields = table.generator.generate({ id: generatedId, random, now: nowIso, ordinal });
    // Completes the generator's fresh object in place rather than copying it: with 100k+ seeded
    // records, every extra copy costs noticeable time and garbage.
    fields.id = generatedId;
    fields.remote_id = String(ordinal + 1);
    fields.changed_at = nowIso;
    fields.remote_deleted_at = null;
    const record = fields as FakeRecord; // just completed with the four common fields
    if (overrides) {
      Object.assign(record, overrides);
      assertRecordShape(record);
    }
    if (table.seqById.has(record.id)) {
      throw new FakeKomboUsageError(`${resource} ${record.id} already exists in ${integrationId}`, 'conflict');
    }
    table.rows.push({ record, updatedAtMs: now.getTime() });
    table.seqById.set(record.id, table.rows.length);
    return record;
  }

  private generator(resource: string) {
    const generator = generatorFor(resource);
    if (!generator) throw new FakeKomboUsageError(`the fake serves no resource ${resource}`, 'not-found');
    return generator;
  }

  private integrationEntry(id: string): IntegrationEntry {
    const entry = this.integrations.get(id);
    if (!entry) throw new FakeKomboUsageError(`unknown integration ${id}`, 'not-found');
    return entry;
  }

  private table(integrationId: string, resource: string): ResourceTable {
    const entry = this.integrationEntry(integrationId);
    const generator = this.generator(resource);
    assertCategory(entry.integration, generator.category, resource);
    let table = entry.tables.get(resource);
    if (!table) {
      table = { generator, streamKeys: streamKeys(`${integrationId}\n${resource}`), rows: [], seqById: new Map() };
      entry.tables.set(resource, table);
    }
    return table;
  }

  private stored(integrationId: string, resource: string, id: string): StoredRecord {
    const table = this.table(integrationId, resource);
    const seq = table.seqById.get(id);
    if (seq === undefined)
      throw new FakeKomboUsageError(`${resource} ${id} not found in ${integrationId}`, 'not-found');
    return table.rows[seq - 1];
  }
}

function matches(row: StoredRecord, request: PageRequest): boolean {
  if (row.vanished) return false;
  const record = row.record;
  if (!request.includeDeleted && record.remote_deleted_at !== null) return false;
  if (request.updatedAfterMs !== null && row.updatedAtMs <= request.updatedAfterMs) return false;
  if (request.ids && !request.ids.has(record.id)) return false;
  if (request.remoteIds && (record.remote_id === null || !request.remoteIds.has(record.remote_id))) return false;
  return true;
}

/** Seeding a resource the integration's category cannot serve is a test bug: say so early. */
function assertCategory(integration: Integration, category: Category, resource: string): void {
  if (integration.category !== category) {
    throw new FakeKomboUsageError(
      `${resource} is a ${category} resource; integration ${integration.id} is ${integration.category}`,
      'invalid',
    );
  }
}

function assertRecordShape(record: FakeRecord): void {
  const problems = [
    typeof record.id === 'string' && record.id !== '' ? null : 'id must be a non-empty string',
    record.remote_id === null || typeof record.remote_id === 'string' ? null : 'remote_id must be a string or null',
    typeof record.changed_at === 'string' && !Number.isNaN(Date.parse(record.changed_at))
      ? null
      : 'changed_at must be an ISO date-time',
    record.remote_deleted_at === null || typeof record.remote_deleted_at === 'string'
      ? null
      : 'remote_deleted_at must be a string or null',
  ].filter((problem) => problem !== null);
  if (problems.length > 0) throw new FakeKomboUsageError(problems.join('; '), 'invalid');
}

function toNullableString(value: unknown): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new FakeKomboUsageError(`expected a string or null, got ${JSON.stringify(value)}`, 'invalid');
}

/** Kombo integration ids start with the tool, e.g. `personio:CBNMt7dSNCzBdnRTx87dev4E`. */
function defaultTool(integrationId: string): string {
  const separator = integrationId.indexOf(':');
  return separator > 0 ? integrationId.slice(0, separator) : 'sandbox';
}
