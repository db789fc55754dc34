import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type AwsClients, awsClients } from '../adapters/aws-clients';
import { DynamoIntegrationStore } from '../adapters/dynamodb/integration-store';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { type JobPlanningConfig, jobPlanningConfig } from '../core/config';
import { describeIssues } from '../core/describe';
import {
  onDemandRequestSchema,
  type PlanResult,
  planOnDemandFullSync,
  planWeeklyFullSync,
} from '../core/plan/full-sync-plan';

export interface FullSyncWiring {
  readonly config: JobPlanningConfig;
  readonly clients: Pick<AwsClients, 'dynamo' | 'sqs'>;
}

/** The configuration and clients from the function's environment, as in AWS. */
export const fullSyncFromEnvironment = (env: Record<string, string | undefined> = process.env): FullSyncWiring => ({
  config: jobPlanningConfig(env),
  clients: awsClients(),
});

/**
 * The full-sync planner. The schedule invokes it with `{ "source": "schedule", "scheduled_time": … }`
 * (a weekly full sync); an operator with `{ "integration_id": "…", "resources": ["…"], "force_sweep": true }`.
 */
export function createFullSyncHandler({ config, clients }: FullSyncWiring) {
  const deps = {
    registry: new DynamoIntegrationStore(clients.dynamo, config.stateTable),
    queue: new SqsJobQueue(clients.sqs, config.queueUrl),
    syncResources: config.syncResources,
    telemetry,
  };

  async function handleFullSync(event: unknown): Promise<PlanResult> {
    const runId = new Date().toISOString();
    if (isScheduled(event)) return planWeeklyFullSync(scheduledTime(event) ?? runId, deps);
    const request = onDemandRequestSchema.safeParse(event);
    if (!request.success) {
      // An invoke with a bad payload gets the problem back, named.
      throw new Error(`invalid full-sync request: ${describeIssues(request.error)}`);
    }
    return planOnDemandFullSync(request.data, runId, deps);
  }

  return middy(handleFullSync)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

function isScheduled(event: unknown): event is { source: 'schedule'; scheduled_time?: unknown } {
  return typeof event === 'object' && event !== null && (event as { source?: unknown }).source === 'schedule';
}

/** The schedule's time for this run: the same on every retry of one run. */
function scheduledTime(event: { scheduled_time?: unknown }): string | undefined {
  const value = event.scheduled_time;
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
}
