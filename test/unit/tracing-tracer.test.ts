import { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { functionTracer, loadTracer, traceInvocation } from '../../lambdas/adapters/tracing/tracer';
import { ENV } from '../../lambdas/contracts';

describe("the function's tracer", () => {
  it('is loaded only when the stack switched tracing on', async () => {
    expect(await loadTracer({ [ENV.traceEnabled]: 'true' })).toBeInstanceOf(Tracer);
    expect(await loadTracer({ [ENV.traceEnabled]: 'false' })).toBeUndefined();
    expect(await loadTracer({})).toBeUndefined();
  });

  it('is none in tests, local runs and the CLI, which do not set the variable', () => {
    expect(process.env[ENV.traceEnabled]).toBeUndefined();
    expect(functionTracer).toBeUndefined();
  });

  it("adds the handler's subsegment to the middleware only when there is a tracer", async () => {
    expect(traceInvocation(undefined)).toEqual([]);
    const tracer = await loadTracer({ [ENV.traceEnabled]: 'true' });
    expect(traceInvocation(tracer)).toEqual([
      expect.objectContaining({ before: expect.any(Function), after: expect.any(Function) }),
    ]);
  });
});
