/**
 * The worker as Lambda runs it under an SQS event source with a maximum concurrency of K: K
 * containers, each its own `createWorkerHandler` (its own Kombo client, request budget and AWS
 * clients) polling the queue in a loop of its own (receive up to 10, invoke, delete or release).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { awsClients } from '../lambdas/adapters/aws-clients';
import { workerConfig } from '../lambdas/core/config';
import { REQUEST_BUDGET_PARTITION } from '../lambdas/core/table-keys';
import { createWorkerHandler } from '../lambdas/worker/create-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws/sqs-server';
import type { Pipeline } from '../local/pipeline';
import { pollOnce, type WorkerHandler } from '../local/runtime/queue-poller';

/** How long an idle container waits before it polls again (Lambda's pollers long-poll instead). */
const IDLE_POLL_MS = 50;

/** What the containers did. */
export interface ContainerStats {
  invocations: number;
  messages: number;
  /** Messages the handler reported failed (returned to the queue). */
  failedMessages: number;
  /** Invocations that threw: their whole batch returned to the queue. */
  crashedInvocations: number;
  /** Receives, deletes or releases of messages that failed (the container polls again). */
  pollErrors: number;
  /** Most message groups in flight at once, across containers (an upper bound on jobs running at once). */
  peakGroupsInFlight: number;
  /** The same for groups holding a job of the weekly run (a full walk, or its reconcile). */
  peakBulkGroupsInFlight: number;
  /** Duration of every DynamoDB call the containers made (ms, retries included), by operation. */
  dynamoCallMs: Map<string, number[]>;
  /** Weekly-run jobs received, and the (invocation, message group) pairs they came in: their ratio is how many one invocation ran one after another per group. */
  bulkMessages: number;
  bulkGroupBatches: number;
  /** For each delta job received: from its message's SentTimestamp to the invocation that got it (ms). */
  deltaQueueWaitMs: number[];
  /** Increments of the fleet's request budget counter (one per Kombo request granted or refused)… */
  budgetTakes: number;
  /** …and those refused because the window was full: the container then waits for the next window, or its middle. */
  budgetRefusals: number;
}

export interface Containers {
  /** What the containers did since they started. */
  stats(): ContainerStats;
  /** Stops polling once every container's invocation in progress has returned, and closes its clients. */
  stop(): Promise<void>;
}

const emptyStats = (): ContainerStats => ({
  invocations: 0,
  messages: 0,
  failedMessages: 0,
  crashedInvocations: 0,
  pollErrors: 0,
  peakGroupsInFlight: 0,
  peakBulkGroupsInFlight: 0,
  dynamoCallMs: new Map(),
  bulkMessages: 0,
  bulkGroupBatches: 0,
  deltaQueueWaitMs: [],
  budgetTakes: 0,
  budgetRefusals: 0,
});

export function startContainers(pipeline: Pipeline, count: number, env: Record<string, string>): Containers {
  const stats = emptyStats();
  let groupsInFlight = 0;
  let bulkGroupsInFlight = 0;
  let stopping = false;

  const container = () => {
    const clients = awsClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { sqs: pipeline.sqs.endpoint, dynamodb: pipeline.dynamo.endpoint },
    });
    // The document client sends through the base client's stack: every DynamoDB call is timed here.
    clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const started = performance.now();
        const budget = context.commandName === 'UpdateItemCommand' && isBudgetTake(args.input);
        if (budget) stats.budgetTakes++;
        try {
          return await next(args);
        } catch (error) {
          if (budget && (error as Error).name === 'ConditionalCheckFailedException') stats.budgetRefusals++;
          throw error;
        } finally {
          const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
          const times = stats.dynamoCallMs.get(operation) ?? [];
          times.push(performance.now() - started);
          stats.dynamoCallMs.set(operation, times);
        }
      },
      { step: 'initialize', name: 'benchFleetTiming' },
    );
    const handler = createWorkerHandler({ config: workerConfig(env), clients }) as WorkerHandler;
    const counted: WorkerHandler = async (event, context) => {
      const groups = new Set(event.Records.map((record) => record.attributes.MessageGroupId ?? ''));
      const kinds = event.Records.map((record) => jobKind(record.body));
      const bulk = new Set(
        event.Records.filter((_, index) => kinds[index] === 'bulk').map((record) => record.attributes.MessageGroupId),
      );
      stats.bulkMessages += kinds.filter((kind) => kind === 'bulk').length;
      stats.bulkGroupBatches += bulk.size;
      const now = Date.now();
      event.Records.forEach((record, index) => {
        if (kinds[index] === 'delta') stats.deltaQueueWaitMs.push(now - Number(record.attributes.SentTimestamp));
      });
      groupsInFlight += groups.size;
      bulkGroupsInFlight += bulk.size;
      stats.peakGroupsInFlight = Math.max(stats.peakGroupsInFlight, groupsInFlight);
      stats.peakBulkGroupsInFlight = Math.max(stats.peakBulkGroupsInFlight, bulkGroupsInFlight);
      try {
        return await handler(event, context);
      } finally {
        groupsInFlight -= groups.size;
        bulkGroupsInFlight -= bulk.size;
      }
    };
    const loop = async () => {
      while (!stopping) {
        // Lambda's poller retries a failed receive; so does this one, after a pause.
        const report = await pollOnce({
          sqs: pipeline.sqs.client,
          queueUrl: pipeline.queueUrl,
          handler: counted,
        }).catch(() => {
          stats.pollErrors++;
          return undefined;
        });
        if (!report) {
          await sleep(IDLE_POLL_MS);
          continue;
        }
        stats.invocations++;
        stats.messages += report.messages;
        stats.failedMessages += report.failed;
        if (report.crashed) stats.crashedInvocations++;
      }
    };
    return { clients, running: loop() };
  };

  const containers = Array.from({ length: count }, container);
  return {
    stats: () => stats,
    async stop() {
      stopping = true;
      await Promise.all(containers.map((each) => each.running));
      for (const { clients } of containers) {
        for (const client of [clients.dynamo, clients.sqs, clients.secretsManager]) client.destroy();
      }
    },
  };
}

/** An update's key in the request budget's partition (request-window-counter.ts), marshalled or not. */
function isBudgetTake(input: unknown): boolean {
  const key = (input as { Key?: unknown }).Key;
  return key !== undefined && JSON.stringify(key).includes(JSON.stringify(REQUEST_BUDGET_PARTITION));
}

/** `bulk`: a job of the weekly run (a full walk, or a reconcile with the run's id); `delta`; or `other`. */
function jobKind(body: string): 'bulk' | 'delta' | 'other' {
  try {
    const { kind, runId } = JSON.parse(body) as { kind?: unknown; runId?: unknown };
    if (kind === 'full' || (kind === 'reconcile' && runId !== undefined)) return 'bulk';
    return kind === 'delta' ? 'delta' : 'other';
  } catch {
    return 'other';
  }
}
