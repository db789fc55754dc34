/**
 * The part of an X-Ray (sub)segment the tracing helpers use: the Powertools Tracer's segments have it, and a
 * test can record it without the X-Ray SDK.
 */
export interface TraceSegment {
  addNewSubsegment(name: string): TraceSubsegment;
}

export interface TraceSubsegment extends TraceSegment {
  addAnnotation(key: string, value: string | number | boolean): void;
  addAttribute(name: string, data: unknown): void;
  addError(error: Error | string, remote?: boolean): void;
  addErrorFlag(): void;
  addFaultFlag(): void;
  addThrottleFlag(): void;
  close(): void;
}
