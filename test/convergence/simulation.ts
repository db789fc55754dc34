import { readModelId } from '../../local/fake-kombo/read-models';
import type { Pipeline } from '../../local/pipeline';
import { Courier, type CourierCounts } from './courier';
import { type FaultCounts, FaultInjector } from './faults';
import { type InvariantCounts, Invariants, type Violation } from './invariants';
import { checkConvergence } from './oracle';
import { SeededRandom } from './random';
import { type RunnerCounts, WorkerRunner } from './worker-runner';
import { RESOURCES, type SimIntegration, World } from './world';

export interface SeedResult {
  readonly seed: number;
  readonly violations: readonly Violation[];
  readonly steps: number;
  readonly upstreamChanges: number;
  readonly faults: FaultCounts;
  readonly webhooks: CourierCounts;
  readonly worker: RunnerCounts;
  readonly invariantChecks: InvariantCounts;
  readonly durationMs: number;
}

type Action = 'change' | 'fault' | 'worker' | 'lifecycle' | 'availability' | 'delete' | 'weekly';

/**
 * One seed: integrations backfilled, then a random sequence of upstream changes, webhooks (lost,
 * duplicated, delayed, reordered), Kombo and AWS faults, worker invocations (crashing, redelivered)
 * and weekly runs, the invariants checked after every invocation; then faults stop, the upstream
 * heals (every integration ACTIVE, every model available), one weekly cycle runs, the queue drains,
 * and the oracle compares the mirror with the source. Same seed, same sequence.
 */
export async function runSeed(pipeline: Pipeline, seed: number): Promise<SeedResult> {
  const started = Date.now();
  const random = new SeededRandom(seed);
  const world = new World(pipeline.kombo, random);
  const violations: Violation[] = [];
  const report = (violation: Violation) => violations.push(violation);
  const courier = new Courier(pipeline, random);
  const faults = new FaultInjector(pipeline, random);
  const invariants = new Invariants(pipeline, world, report);
  const runner = new WorkerRunner(pipeline, faults, () => invariants.check(), report);

  try {
    for (let n = 0; n < random.int(1, 3); n++) {
      const integration = world.addIntegration(`conv-${seed}-${n}`, random.int(3, 30));
      courier.send(createdEvent(integration, seed), { chaos: false });
    }
    await courier.deliverDue();
    await runner.drain();

    const steps = random.int(15, 35);
    let vanishes = 0;
    let upstreamChanges = 0;
    for (let step = 0; step < steps; step++) {
      const live = world.live();
      const action: Action =
        live.length === 0
          ? 'worker'
          : random.weighted<Action>({
              change: 40,
              fault: 18,
              worker: 25,
              lifecycle: 6,
              availability: 4,
              delete: 1.5,
              weekly: 3,
            });
      const integration = live.length > 0 ? random.pick(live) : undefined;
      if (action === 'change' && integration) {
        const resource = random.pick(RESOURCES);
        const kind = world.changeRecord(integration, resource, vanishes < 3);
        if (kind === 'vanish') vanishes++;
        if (kind) upstreamChanges++;
        // Kombo announces what its sync saw change; a vanished record or a scope change it does not.
        if (kind && kind !== 'vanish' && kind !== 'scope')
          courier.send(dataChangedEvent(integration, resource, `${seed}-${step}`), { chaos: true });
      } else if (action === 'fault' && integration) {
        faults.inject(integration);
      } else if (action === 'worker') {
        await runner.run(random.int(1, 3), { parallel: random.int(1, 2), short: random.chance(0.3) });
      } else if (action === 'lifecycle' && integration) {
        world.setActive(integration, !integration.active);
        courier.send(stateChangedEvent(integration, `${seed}-${step}`), { chaos: true });
      } else if (action === 'availability' && integration) {
        const resource = random.pick(RESOURCES);
        world.setAvailable(integration, resource, integration.unavailable.has(resource));
      } else if (action === 'delete' && integration) {
        world.delete(integration);
        courier.send(deletedEvent(integration, `${seed}-${step}`), { chaos: true });
      } else if (action === 'weekly') {
        await pipeline.invokeFullSync({ source: 'schedule', scheduled_time: new Date().toISOString() });
      }
      await courier.deliverDue();
    }

    // Faults stop; the upstream heals; held-back webhooks arrive (lost ones stay lost); one weekly cycle.
    faults.clear();
    for (const integration of world.live()) {
      if (!integration.active) {
        world.setActive(integration, true);
        courier.send(stateChangedEvent(integration, `${seed}-heal`), { chaos: false });
      }
      for (const resource of [...integration.unavailable]) world.setAvailable(integration, resource, true);
    }
    await courier.flush();
    await runner.drain();
    await pipeline.invokeFullSync({ source: 'schedule', scheduled_time: new Date().toISOString() });
    await runner.drain();
    await invariants.check();
    violations.push(...(await checkConvergence(pipeline, world)));
    return {
      seed,
      violations,
      steps,
      upstreamChanges,
      faults: faults.counts,
      webhooks: courier.counts,
      worker: runner.counts,
      invariantChecks: invariants.counts,
      durationMs: Date.now() - started,
    };
  } finally {
    faults.clear();
  }
}

function createdEvent(integration: SimIntegration, seed: number) {
  return {
    type: 'integration-created',
    eventId: `created-${integration.id}-${seed}`,
    data: {
      id: integration.id,
      tool: 'personio',
      category: 'HRIS',
      end_user: {
        organization_name: `Org ${integration.id}`,
        creator_email: null,
        origin_id: `origin-${integration.id}`,
      },
    },
  };
}

function dataChangedEvent(integration: SimIntegration, resource: string, token: string) {
  return {
    type: 'data-changed',
    eventId: `changed-${token}`,
    data: {
      integration_id: integration.id,
      integration_tool: 'personio',
      integration_category: 'HRIS',
      changed_models: [{ name: readModelId(resource) }],
    },
  };
}

function stateChangedEvent(integration: SimIntegration, token: string) {
  return {
    type: 'integration-state-changed',
    eventId: `state-${token}`,
    data: {
      integration_id: integration.id,
      integration_tool: 'personio',
      integration_category: 'HRIS',
      state: integration.active ? 'ACTIVE' : 'INACTIVE',
      end_user: null,
      qa_status: 'PASSED',
      setup_status: 'COMPLETED',
      updated_at: new Date().toISOString(),
    },
  };
}

function deletedEvent(integration: SimIntegration, token: string) {
  return {
    type: 'integration-deleted',
    eventId: `deleted-${token}`,
    data: { id: integration.id, tool: 'personio', category: 'HRIS' },
    onDelivered: () => {
      integration.deletionDelivered = true;
    },
  };
}
