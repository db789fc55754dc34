/**
 * What the domain modules need to report: structured log lines and counted metrics. The Lambda
 * handlers supply a Powertools-backed implementation; tests supply a recording one.
 */
export type LogFields = Record<string, unknown>;

export interface Telemetry {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Adds `value` (default 1) to the count metric `name`. */
  count(name: string, value?: number): void;
}
