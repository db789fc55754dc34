import type { TraceSubsegment } from '../../lambdas/adapters/tracing/trace-segment';

/** An X-Ray (sub)segment that records what the tracing helpers do to it, and its subsegments as a tree. */
export class FakeSegment implements TraceSubsegment {
  readonly annotations: Record<string, string | number | boolean> = {};
  readonly attributes: Record<string, unknown> = {};
  readonly subsegments: FakeSegment[] = [];
  readonly flags: Array<'error' | 'fault' | 'throttle'> = [];
  readonly errors: Array<{ error: Error | string; remote: boolean | undefined }> = [];
  closed = false;

  constructor(readonly name: string) {}

  addNewSubsegment(name: string): FakeSegment {
    const subsegment = new FakeSegment(name);
    this.subsegments.push(subsegment);
    return subsegment;
  }
  addAnnotation(key: string, value: string | number | boolean): void {
    this.annotations[key] = value;
  }
  addAttribute(name: string, data: unknown): void {
    this.attributes[name] = data;
  }
  addError(error: Error | string, remote?: boolean): void {
    this.errors.push({ error, remote });
  }
  addErrorFlag(): void {
    this.flags.push('error');
  }
  addFaultFlag(): void {
    this.flags.push('fault');
  }
  addThrottleFlag(): void {
    this.flags.push('throttle');
  }
  close(): void {
    this.closed = true;
  }
}
