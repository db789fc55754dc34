import { describe, expect, it, vi } from 'vitest';
import { tracedFetch } from '../../lambdas/adapters/tracing/traced-fetch';
import { FakeSegment } from '../support/fake-trace';

const PAGE_URL = 'https://api.kombo.dev/v1/hris/employees?page_size=250&include_deleted=true&cursor=abc';

function tracing(enabled = true) {
  const parent = new FakeSegment('job delta');
  return { parent, tracer: { isTracingEnabled: () => enabled, getSegment: () => parent } };
}

const answering = (status: number, body = '{"status":"success"}') =>
  vi.fn<typeof fetch>(async () => new Response(status === 204 ? null : body, { status }));

describe('tracedFetch', () => {
  it('records a request as a remote subsegment named after the host, without the query, body included', async () => {
    const { parent, tracer } = tracing();
    const response = await tracedFetch(tracer, answering(200))(PAGE_URL, { headers: { authorization: 'Bearer k' } });

    expect(parent.subsegments).toHaveLength(1);
    const [request] = parent.subsegments;
    expect(request).toMatchObject({ name: 'api.kombo.dev', closed: true, flags: [], errors: [] });
    expect(request?.attributes).toEqual({
      namespace: 'remote',
      http: {
        request: { method: 'GET', url: 'https://api.kombo.dev/v1/hris/employees' },
        response: { status: 200, content_length: 20 },
      },
    });
    // The caller still reads the whole body.
    expect(await response.text()).toBe('{"status":"success"}');
  });

  it.each([
    [429, ['throttle', 'error']],
    [404, ['error']],
    [503, ['fault']],
    [204, []],
  ])('flags a %i answer as X-Ray reads it (%j)', async (status, flags) => {
    const { parent, tracer } = tracing();
    const response = await tracedFetch(tracer, answering(status))(PAGE_URL);
    expect(response.status).toBe(status);
    expect(parent.subsegments[0]).toMatchObject({ flags, closed: true });
  });

  it('records a request that got no answer as a remote error, and still fails it', async () => {
    const { parent, tracer } = tracing();
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const failing = vi.fn<typeof fetch>(async () => {
      throw timeout;
    });
    await expect(tracedFetch(tracer, failing)(PAGE_URL)).rejects.toBe(timeout);
    expect(parent.subsegments[0]).toMatchObject({
      closed: true,
      errors: [{ error: timeout, remote: true }],
      attributes: { http: { request: { method: 'GET', url: 'https://api.kombo.dev/v1/hris/employees' } } },
    });
  });

  it('is the plain fetch when the function does not trace', async () => {
    const base = answering(200);
    const { parent, tracer } = tracing(false);
    await tracedFetch(tracer, base)(PAGE_URL);
    await tracedFetch(undefined, base)(PAGE_URL);
    expect(base).toHaveBeenCalledTimes(2);
    expect(parent.subsegments).toEqual([]);
  });
});
