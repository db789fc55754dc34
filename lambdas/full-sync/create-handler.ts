import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type AwsClients, awsClients } from '../adapters/aws-clients';
import { DynamoIntegrationStore } from '../adapters/dynamodb/integration-store';
import { functionKomboClient } from '../adapters/kombo-client';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { functionTracer, traceInvocation } from '../adapters/tracing/tracer';
import { type FullSyncConfig, fullSyncConfig } from '../core/config';
import { describeIssues } from '../core/describe';
import {
  onDemandRequestSchema,
  type PlanResult,
  planOnDemandFullSync,
  planWeeklyFullSync,
  scheduledRunSchema,
  weeklyRunOf,
} from '../core/plan/full-sync-plan';
import { registerIntegrations, registerRequestSchema } from '../core/plan/register';

export interface FullSyncWiring {
  readonly config: FullSyncConfig;
  readonly clients: AwsClients;
  /** When the function traces: the invocation, its AWS calls and its Kombo requests become X-Ray (sub)segments. */
  readonly tracer?: Tracer;
}

/** The configuration and clients from the function's environment, as in AWS. */
export const fullSyncFromEnvironment = (env: Record<string, string | undefined> = process.env): FullSyncWiring => ({
  config: fullSyncConfig(env),
  clients: awsClients({ tracer: functionTracer }),
  tracer: functionTracer,
});

/**
 * The full-sync planner. The schedule invokes it with `{ "source": "schedule", "scheduled_time": … }`
 * (a weekly full sync), a spread run's schedules adding `"slot"`, `"slots"` and `"slot_minutes"` (its
 * share of the integrations); an operator with `{ "integration_id": "…", "resources": ["…"], "force_sweep": true }`
 * or, to register existing integrations in bulk, `{ "register": ["<integration id>", …] }`.
 */
export function createFullSyncHandler({ config, clients, tracer }: FullSyncWiring) {
  const registry = new DynamoIntegrationStore(clients.dynamo, config.stateTable);
  const deps = {
    registry,
    queue: new SqsJobQueue(clients.sqs, config.queueUrl),
    syncResources: config.syncResources,
    telemetry,
    bulkLanes: config.bulkLanes,
  };
  const upstream = functionKomboClient(config, clients, tracer);

  async function handleFullSync(event: unknown, context: Context): Promise<PlanResult | RegistrationAnswer> {
    const now = new Date();
    const runId = now.toISOString();
    if (isScheduled(event)) {
      const scheduled = scheduledRunSchema.safeParse(event);
      if (!scheduled.success) throw new Error(`invalid full-sync request: ${describeIssues(scheduled.error)}`);
      return planWeeklyFullSync(weeklyRunOf(scheduled.data, now), deps);
    }
    const registration = registerRequestSchema.safeParse(event);
    if (registration.success) {
      // A minute is kept back, so the answer (and every lookup's result) is returned before the timeout.
      const deadline = { remainingMs: () => context.getRemainingTimeInMillis() - 60_000 };
      return registerIntegrations(registration.data.register, `register-${runId}`, deadline, {
        ...deps,
        upstream,
        now: () => new Date(),
      });
    }
    const request = onDemandRequestSchema.safeParse(event);
    if (!request.success) {
      // An invoke with a bad payload gets the problem back, named.
      throw new Error(`invalid full-sync request: ${describeIssues(request.error)}`);
    }
    return planOnDemandFullSync(request.data, runId, deps);
  }

  return middy(handleFullSync)
    .use(traceInvocation(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

type RegistrationAnswer = Awaited<ReturnType<typeof registerIntegrations>>;

/** A schedule's event, whatever else it carries: scheduledRunSchema names what is wrong with it. */
function isScheduled(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { source?: unknown }).source === 'schedule';
}
