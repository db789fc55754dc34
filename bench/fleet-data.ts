/**
 * The fleet's data: which integrations and resources exist, how big each resource is (drawn from
 * the seed, so every run syncs the same fleet), the upstream changes between two weeks, and the
 * registry entries the weekly plan starts from.
 */
import { DynamoIntegrationStore } from '../lambdas/adapters/dynamodb/integration-store';
import type { Pipeline } from '../local/pipeline';
import { STATE_TABLE } from '../local/pipeline';
import { type FleetConfig, PAGE_SIZE } from './config';

/** Resources of each category the fleet's integrations hold, the first `resources` of each list. */
const HRIS_RESOURCES = [
  'hris/employees',
  'hris/employments',
  'hris/absences',
  'hris/timesheets',
  'hris/groups',
  'hris/locations',
  'hris/legal-entities',
  'hris/absence-types',
];
const ATS_RESOURCES = [
  'ats/applications',
  'ats/candidates',
  'ats/jobs',
  'ats/interviews',
  'ats/offers',
  'ats/users',
  'ats/tags',
  'ats/application-stages',
];

/**
 * Most resources fit one page; some take a few, a few take many (a customer's employees or
 * candidates next to their locations and tags): 4 % large, 16 % medium, 80 % small (up to 100
 * records: the backfill's writes, not Kombo, bound it here), by a draw below `upTo`.
 */
const SIZE_CLASSES = [
  { upTo: 0.04, minPages: 8, maxPages: 12, lastPageUpTo: PAGE_SIZE - 1 },
  { upTo: 0.2, minPages: 2, maxPages: 4, lastPageUpTo: PAGE_SIZE - 1 },
  { upTo: 1, minPages: 1, maxPages: 1, lastPageUpTo: 100 },
] as const;

export interface FleetResource {
  readonly integrationId: string;
  readonly resource: string;
  readonly records: number;
}

export interface FleetDataset {
  readonly integrations: readonly { readonly id: string; readonly category: 'HRIS' | 'ATS' }[];
  readonly resources: readonly FleetResource[];
  /** `SYNC_RESOURCES` for the functions: every resource any integration of the fleet holds. */
  readonly syncResources: string;
  readonly records: number;
  /** Pages of one full walk of every resource. */
  readonly pages: number;
}

/** A small deterministic generator (mulberry32): the same seed draws the same fleet and changes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const between = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

/** The fleet the configuration describes; nothing is created yet. */
export function fleetDataset(config: FleetConfig, random: () => number): FleetDataset {
  const hris = HRIS_RESOURCES.slice(0, config.resources);
  const ats = ATS_RESOURCES.slice(0, config.resources);
  const integrations = Array.from({ length: config.integrations }, (_, index) => {
    const category = index % 2 === 0 ? ('HRIS' as const) : ('ATS' as const);
    const tool = category === 'HRIS' ? 'personio' : 'greenhouse';
    return { id: `${tool}:fleet-${String(index).padStart(4, '0')}`, category };
  });
  const resources = integrations.flatMap(({ id, category }) =>
    (category === 'HRIS' ? hris : ats).map((resource) => ({ integrationId: id, resource, records: size(random) })),
  );
  return {
    integrations,
    resources,
    syncResources: [...hris, ...ats].join(','),
    records: resources.reduce((sum, resource) => sum + resource.records, 0),
    pages: resources.reduce((sum, resource) => sum + Math.max(1, Math.ceil(resource.records / PAGE_SIZE)), 0),
  };
}

/** Records of one resource: whole pages of its size class, the last one partly filled (never full). */
function size(random: () => number): number {
  const draw = random();
  const sizeClass = SIZE_CLASSES.find((candidate) => draw < candidate.upTo) ?? SIZE_CLASSES[2];
  const pages = between(random, sizeClass.minPages, sizeClass.maxPages);
  return (pages - 1) * PAGE_SIZE + between(random, 1, sizeClass.lastPageUpTo);
}

/**
 * The fleet at the fake, and in the registry as integration-created webhooks would have left it,
 * without their backfill jobs: the first weekly run is the backfill here, everything at once.
 */
export async function createFleet(pipeline: Pipeline, dataset: FleetDataset): Promise<void> {
  for (const { id, category } of dataset.integrations) pipeline.kombo.addIntegration({ id, category });
  for (const { integrationId, resource, records } of dataset.resources)
    pipeline.kombo.seed(integrationId, resource, records);
  const registry = new DynamoIntegrationStore(pipeline.dynamo.documents, STATE_TABLE);
  const at = new Date().toISOString();
  for (const { id, category } of dataset.integrations) {
    await registry.register({ id, tool: id.split(':')[0] ?? 'sandbox', category, originId: `origin-${id}`, at });
  }
}

export interface UpstreamChanges {
  readonly updated: number;
  readonly created: number;
  readonly removed: number;
}

/**
 * A week of changes whose webhooks were not the point: one resource in ten has 1–3 records
 * updated, one in fifty a new record, one in a hundred a record deleted. The weekly run finds them.
 */
export function changeUpstream(pipeline: Pipeline, dataset: FleetDataset, random: () => number): UpstreamChanges {
  const changes = { updated: 0, created: 0, removed: 0 };
  for (const { integrationId, resource } of dataset.resources) {
    const live = () => pipeline.kombo.records(integrationId, resource);
    if (random() < 0.1) {
      for (let count = between(random, 1, 3); count > 0; count--) {
        const records = live();
        const record = records[Math.floor(random() * records.length)];
        if (!record) break;
        pipeline.kombo.update(integrationId, resource, record.id);
        changes.updated++;
      }
    }
    if (random() < 0.02) {
      pipeline.kombo.create(integrationId, resource);
      changes.created++;
    }
    if (random() < 0.01) {
      const records = live();
      const record = records[Math.floor(random() * records.length)];
      if (record) {
        pipeline.kombo.remove(integrationId, resource, record.id);
        changes.removed++;
      }
    }
  }
  return changes;
}
