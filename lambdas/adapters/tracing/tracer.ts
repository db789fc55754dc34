import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { ENV, SERVICE_NAME } from '../../contracts';

/**
 * The function's Powertools Tracer, or none when the stack switched tracing off (context `tracing=false`, which
 * sets POWERTOOLS_TRACE_ENABLED to `false`) and wherever the variable is not `true` (tests, `npm start`, the CLI).
 * Imported only when it will be used: the tracer brings the X-Ray SDK, whose evaluation would otherwise add to
 * every cold start of a function that does not trace (README: Tracing).
 *
 * Its own HTTP capture is off: it would patch `https`, giving every AWS SDK call a second subsegment beside the
 * captured client's, and its fetch instrumentation mixes up requests that run side by side (traced-fetch.ts).
 * Outside Lambda (`sam local` included) the Tracer switches itself off, whatever the variable says.
 */
export async function loadTracer(env: Record<string, string | undefined>): Promise<Tracer | undefined> {
  if (env[ENV.traceEnabled] !== 'true') return undefined;
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
}

/** This function's tracer (one per container), from its environment. */
export const functionTracer = await loadTracer(process.env);

/**
 * The invocation's subsegment (`## index.handler`, annotated ColdStart and Service), or nothing to add when the
 * function does not trace. Responses are not recorded: a registration's answer can list hundreds of integrations,
 * past the 64 KB an X-Ray segment document may hold.
 */
export function traceInvocation(tracer: Tracer | undefined) {
  return tracer ? [captureLambdaHandler(tracer, { captureResponse: false })] : [];
}
