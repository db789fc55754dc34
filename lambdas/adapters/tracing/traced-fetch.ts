import type { TraceSegment, TraceSubsegment } from './trace-segment';

/** What the traced fetch needs of the Powertools Tracer. */
export interface FetchTracer {
  isTracingEnabled(): boolean;
  getSegment(): TraceSegment | undefined;
}

/**
 * `fetch` recording each request as a remote subsegment named after the host (X-Ray's service map shows
 * `api.kombo.dev`), under whatever is current: in the worker, the subsegment of the job that asked.
 *
 * Not the Tracer's own fetch instrumentation (turned off, see tracer.ts): it makes each request the current
 * segment of the shared context until its headers arrive, so requests of jobs running side by side would nest
 * in one another. A copy of the response body is read to its end here, so that the subsegment lasts until the
 * last byte (a page takes a while to arrive) and not only until the headers; the Kombo client reads every body
 * whole anyway, from the original.
 */
export function tracedFetch(tracer: FetchTracer | undefined, fetchFn: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const parent = tracer?.isTracingEnabled() ? tracer.getSegment() : undefined;
    if (parent === undefined) return fetchFn(input, init);
    const url = new URL(input instanceof Request ? input.url : input);
    const subsegment = parent.addNewSubsegment(url.hostname);
    subsegment.addAttribute('namespace', 'remote');
    // Without the query: it holds Kombo's cursor and record ids, which say nothing about the request's health.
    const request = {
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      url: url.origin + url.pathname,
    };
    try {
      const response = await fetchFn(input, init);
      const body = await response.clone().arrayBuffer();
      subsegment.addAttribute('http', {
        request,
        response: { status: response.status, content_length: body.byteLength },
      });
      flagStatus(subsegment, response.status);
      return response;
    } catch (error) {
      subsegment.addAttribute('http', { request });
      subsegment.addError(error instanceof Error ? error : String(error), true);
      throw error;
    } finally {
      subsegment.close();
    }
  };
}

/** X-Ray's reading of a status: 429 throttled, other 4xx an error, 5xx a fault. */
function flagStatus(subsegment: TraceSubsegment, status: number): void {
  if (status === 429) subsegment.addThrottleFlag();
  if (status >= 500) subsegment.addFaultFlag();
  else if (status >= 400) subsegment.addErrorFlag();
}
