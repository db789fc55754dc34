import { createHash } from 'node:crypto';
import { parsePage } from '../../lambdas/core/kombo/answers';
import type { FakeKombo, FakeRecord } from '../../local/fake-kombo';
import { readModelId } from '../../local/fake-kombo/read-models';
import type { SeededRandom } from './random';

export const RESOURCES = ['hris/employees', 'hris/absences'] as const;
export type Resource = (typeof RESOURCES)[number];

/** What an upstream change was, for the invariants: which changes a delta must pick up. */
export type MutationKind = 'create' | 'update' | 'nested' | 'delete' | 'vanish' | 'scope';

export interface Mutation {
  readonly integrationId: string;
  readonly resource: Resource;
  readonly id: string;
  /** `Date.now()` right after the change: a walk that started later sees it. */
  readonly at: number;
  readonly kind: MutationKind;
  /** The record as Kombo answers it from now on (undefined once vanished). */
  readonly record: FakeRecord | undefined;
}

export interface SimIntegration {
  readonly id: string;
  active: boolean;
  deleted: boolean;
  /** The integration-deleted webhook reached the endpoint at least once. */
  deletionDelivered: boolean;
  readonly unavailable: Set<Resource>;
}

/**
 * The engine's content hash of a record as Kombo answers it: the record goes through the client's
 * own parsing (which may order its fields), then the hash toRecordItem takes.
 */
export function recordHash(record: FakeRecord): string {
  const page = parsePage(JSON.stringify({ status: 'success', data: { results: [record], next: null } }));
  if (typeof page === 'string') throw new Error(`the client does not take a record the fake served: ${page}`);
  return createHash('sha256').update(JSON.stringify(page.records[0])).digest('base64url');
}

/** Nesting deeper than DynamoDB takes as a map: such a record is stored compressed. */
function deeplyNested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'x' };
  for (let level = 0; level < depth; level++) value = { level: value };
  return value;
}

/**
 * The upstream side of a seed: the fake Kombo's integrations and records, changed at random, every
 * change logged with its time, so the invariants know what the mirror must hold when.
 */
export class World {
  readonly integrations: SimIntegration[] = [];
  readonly mutations: Mutation[] = [];
  private counter = 0;

  constructor(
    readonly kombo: FakeKombo,
    private readonly random: SeededRandom,
  ) {}

  addIntegration(id: string, records: number): SimIntegration {
    this.kombo.addIntegration({ id, category: 'HRIS', tool: 'personio', originId: `origin-${id}` });
    for (const resource of RESOURCES) {
      for (const record of this.kombo.seed(id, resource, records)) this.log(id, resource, record.id, 'create', record);
    }
    const integration: SimIntegration = {
      id,
      active: true,
      deleted: false,
      deletionDelivered: false,
      unavailable: new Set(),
    };
    this.integrations.push(integration);
    return integration;
  }

  live(): SimIntegration[] {
    return this.integrations.filter((integration) => !integration.deleted);
  }

  records(integrationId: string, resource: Resource): FakeRecord[] {
    return this.kombo.records(integrationId, resource, { includeDeleted: true });
  }

  /** One random change to one record; undefined when the resource has none to change. */
  changeRecord(integration: SimIntegration, resource: Resource, vanishAllowed: boolean): MutationKind | undefined {
    const id = integration.id;
    const existing = this.records(id, resource).filter((record) => record.remote_deleted_at === null);
    const kind = this.random.weighted<MutationKind>({
      create: 3,
      update: 5,
      nested: 3,
      delete: 2,
      vanish: vanishAllowed ? 1 : 0,
      scope: 0.3,
    });
    if (kind === 'create') {
      const refused = this.random.chance(0.3);
      const overrides = refused
        ? this.random.chance(0.5)
          ? { '': 'a field with an empty name' }
          : { nested_history: deeplyNested(40) }
        : { note: `created ${++this.counter}` };
      const record = this.kombo.create(id, resource, overrides);
      this.log(id, resource, record.id, kind, record);
      return kind;
    }
    if (existing.length === 0) return undefined;
    const target = this.random.pick(existing);
    if (kind === 'update') {
      const record = this.kombo.update(id, resource, target.id, { note: `update ${++this.counter}` });
      this.log(id, resource, target.id, kind, record);
    } else if (kind === 'nested') {
      this.kombo.touchNested(id, resource, target.id, { nested_note: `nested ${++this.counter}` });
      this.log(id, resource, target.id, kind, this.current(id, resource, target.id));
    } else if (kind === 'delete') {
      this.log(id, resource, target.id, kind, this.kombo.remove(id, resource, target.id));
    } else if (kind === 'vanish') {
      this.kombo.vanish(id, resource, target.id);
      this.log(id, resource, target.id, kind, undefined);
    } else {
      // A scope change: the customer opted out of a field; only the weekly run's full walk notices.
      this.kombo.setDataExpiredAt(id, new Date().toISOString());
      this.kombo.dropField(id, resource, 'note');
      for (const record of this.records(id, resource)) this.log(id, resource, record.id, kind, record);
    }
    return kind;
  }

  setActive(integration: SimIntegration, active: boolean): void {
    integration.active = active;
    this.kombo.setIntegrationState(integration.id, active ? 'ACTIVE' : 'INACTIVE');
  }

  setAvailable(integration: SimIntegration, resource: Resource, available: boolean): void {
    if (available) integration.unavailable.delete(resource);
    else integration.unavailable.add(resource);
    this.kombo.setReadModelAvailable(integration.id, readModelId(resource), available);
  }

  delete(integration: SimIntegration): void {
    integration.deleted = true;
    this.kombo.removeIntegration(integration.id);
  }

  private current(integrationId: string, resource: Resource, id: string): FakeRecord | undefined {
    return this.records(integrationId, resource).find((record) => record.id === id);
  }

  private log(integrationId: string, resource: Resource, id: string, kind: MutationKind, record?: FakeRecord) {
    this.mutations.push({ integrationId, resource, id, at: Date.now(), kind, record });
  }
}
