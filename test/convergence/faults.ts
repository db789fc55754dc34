import { recordPartition, statePartition } from '../../lambdas/core/table-keys';
import type { Pipeline } from '../../local/pipeline';
import type { SeededRandom } from './random';
import { RESOURCES, type SimIntegration } from './world';

/** Every kind of fault the suite injects, counted for the report. */
export const FAULT_KINDS = [
  'kombo-429-storm',
  'kombo-5xx',
  'kombo-timeout',
  'kombo-malformed-page',
  'kombo-rejected-cursor',
  'kombo-404-unknown-ids',
  'dynamodb-throttle',
  'dynamodb-transient-error',
  'sqs-redelivery',
  'worker-crash',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The operations DynamoDB faults hit: every one the worker uses but Query, which the suite's own
 * checks use (a fault they consumed would be one the worker never saw).
 */
const FAULTED_OPERATIONS = ['BatchGetItem', 'BatchWriteItem', 'PutItem', 'UpdateItem', 'GetItem', 'DeleteItem'];

export type FaultCounts = Record<FaultKind, number>;
export const noFaults = (): FaultCounts => Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as FaultCounts;

/**
 * Arms one random fault against one of the seed's integrations. Faults against Kombo and DynamoDB
 * are armed in the fake and in the AWS-rules layer for a few requests; a redelivery and a crash are
 * carried out by the worker runner, which asks `takeRedelivery` / `takeCrash`.
 */
export class FaultInjector {
  readonly counts = noFaults();
  private crashAfterRequests: number | undefined;
  private redeliveries = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly random: SeededRandom,
  ) {}

  inject(integration: SimIntegration): FaultKind {
    const kind = this.random.pick(FAULT_KINDS);
    this.counts[kind]++;
    const kombo = this.pipeline.kombo;
    const rules = this.pipeline.dynamo.rules;
    const integrationId = integration.id;
    const resource = this.random.pick(RESOURCES);
    const times = this.random.int(1, 3);
    switch (kind) {
      case 'kombo-429-storm':
        // Reset 0: the storm costs retries, not the suite's time.
        kombo.injectFault({ kind: 'rate-limit', resetSeconds: 0, match: { integrationId, times: times * 3 } });
        break;
      case 'kombo-5xx':
        kombo.injectFault({
          kind: 'status',
          status: this.random.pick([500, 502, 503]),
          match: { integrationId, times },
        });
        break;
      case 'kombo-timeout':
        kombo.injectFault({ kind: 'timeout', match: { integrationId, resource, times: 1 } });
        break;
      case 'kombo-malformed-page':
        kombo.injectFault({
          kind: 'malformed',
          body: '{"status":"success","data":{"results":[{"id":',
          match: { integrationId, resource, times },
        });
        break;
      case 'kombo-rejected-cursor':
        kombo.injectFault({ kind: 'reject-cursor', match: { integrationId, resource, page: 2, times: 1 } });
        break;
      case 'kombo-404-unknown-ids':
        kombo.setUnknownIdsAnswer(this.random.pick(['not-found', 'input-invalid', 'omit']));
        break;
      case 'dynamodb-throttle':
        rules?.throttle({
          partitionKey: recordPartition(integrationId, resource),
          operation: this.random.pick(FAULTED_OPERATIONS),
          times: this.random.int(1, 12),
        });
        break;
      case 'dynamodb-transient-error':
        rules?.fail({
          partitionKey: this.random.chance(0.5)
            ? recordPartition(integrationId, resource)
            : statePartition(integrationId),
          operation: this.random.pick(FAULTED_OPERATIONS),
          errorType: 'InternalServerError',
          status: 500,
          times,
        });
        break;
      case 'sqs-redelivery':
        this.redeliveries++;
        break;
      case 'worker-crash':
        this.crashAfterRequests = this.random.int(0, 4);
        break;
    }
    return kind;
  }

  /** The next invocation crashes after this many Kombo requests (once). */
  takeCrash(): number | undefined {
    const crash = this.crashAfterRequests;
    this.crashAfterRequests = undefined;
    return crash;
  }

  /** Whether a message the worker already processed should be delivered again (once per armed fault). */
  takeRedelivery(): boolean {
    if (this.redeliveries === 0) return false;
    this.redeliveries--;
    return true;
  }

  /** Faults stop: nothing armed is left in the fake or the rules layer. */
  clear(): void {
    this.pipeline.kombo.clearFaults();
    this.pipeline.kombo.setUnknownIdsAnswer('omit');
    this.pipeline.dynamo.rules?.clearFaults();
    this.crashAfterRequests = undefined;
    this.redeliveries = 0;
  }
}
