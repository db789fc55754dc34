import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { jobPlanningConfig } from '../core/config';
import { describeIssues } from '../core/kombo/webhook-events';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { onDemandRequestSchema, planOnDemandFullSync, planWeeklyFullSync, type PlanResult } from '../core/plan/full-sync-plan';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { DynamoRegistry } from '../adapters/dynamodb/registry-store';

// Built once per container.
const config = jobPlanningConfig();
const deps = {
  registry: new DynamoRegistry(dynamoDocumentClient(), config.stateTable),
  queue: new SqsJobQueue(new SQSClient({ useQueueUrlAsEndpoint: false }), config.queueUrl),
  syncResources: config.syncResources,
  telemetry,
};

/**
 * The schedule invokes this with `{ "source": "schedule", "scheduled_time": … }` (a weekly full sync); an operator with
 * `{ "integration_id": "…", "resources": ["…"], "force_sweep": true }` (see README).
 */
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

function isScheduled(event: unknown): event is { source: 'schedule'; scheduled_time?: unknown } {
  return typeof event === 'object' && event !== null && (event as { source?: unknown }).source === 'schedule';
}

/** The schedule's time for this run: the same on every retry of one run. */
function scheduledTime(event: { scheduled_time?: unknown }): string | undefined {
  const value = event.scheduled_time;
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
}

export const handler = middy(handleFullSync)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
