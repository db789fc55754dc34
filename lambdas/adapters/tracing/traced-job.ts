import { jobResource, type SyncJob } from '../../core/sync/job';
import type { JobResult } from '../../core/sync/outcomes';
import type { TraceSubsegment } from './trace-segment';

/** What tracing a job needs of the Powertools Tracer. */
export interface JobTracer {
  isTracingEnabled(): boolean;
  readonly provider: {
    captureAsyncFunc(name: string, fcn: (subsegment?: TraceSubsegment) => unknown): unknown;
  };
}

/**
 * Runs one job of the worker's batch in a subsegment of its own (`job <kind>`), annotated with the job's
 * `integrationId`, `resource` (a purge or reconcile has none), `jobKind` and, once it has run, `outcome`: an X-Ray
 * filter such as `annotation.integrationId = "personio:8d1h…"` finds the walks of one integration.
 *
 * Why a subsegment per job and not annotations on the invocation: a batch runs the jobs of up to 10 message
 * groups side by side, so the invocation's subsegment would carry the ids of whichever job annotated last. The
 * X-Ray SDK runs `captureAsyncFunc` in a context of its own, in which the subsegment is current: the DynamoDB, SQS
 * and Kombo calls the job makes land under it, whichever jobs run beside it.
 */
export function traceJob(
  tracer: JobTracer | undefined,
  job: SyncJob,
  run: () => Promise<JobResult>,
): Promise<JobResult> {
  if (!tracer?.isTracingEnabled()) return run();
  return tracer.provider.captureAsyncFunc(`job ${job.kind}`, async (subsegment) => {
    if (subsegment === undefined) return run();
    subsegment.addAnnotation('integrationId', job.integrationId);
    const resource = jobResource(job);
    if (resource !== undefined) subsegment.addAnnotation('resource', resource);
    subsegment.addAnnotation('jobKind', job.kind);
    try {
      const result = await run();
      subsegment.addAnnotation('outcome', result.outcome);
      // A failed job is redelivered: a fault of this system, whether Kombo, DynamoDB or SQS caused it.
      if (result.outcome === 'failed') subsegment.addFaultFlag();
      return result;
    } catch (error) {
      subsegment.addError(error instanceof Error ? error : String(error));
      throw error;
    } finally {
      subsegment.close();
    }
  }) as Promise<JobResult>;
}
