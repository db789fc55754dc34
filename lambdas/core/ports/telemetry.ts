import type { MetricOfUnit } from '../../contracts';

/**
 * What the domain modules need to report: structured log lines and metrics (only those of the
 * METRICS catalogue). The Lambda handlers supply a Powertools-backed implementation; tests supply a
 * recording one.
 */
export type LogFields = Record<string, unknown>;

export interface Telemetry {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Adds `value` (default 1) to the count metric `name`. */
  count(name: MetricOfUnit<'Count'>, value?: number): void;
  /** Records one value, in seconds, of the metric `name` (CloudWatch keeps every value: max, percentiles). */
  seconds(name: MetricOfUnit<'Seconds'>, value: number): void;
  /**
   * The same telemetry, whose log lines also carry `fields` (e.g. the correlation id of one job):
   * for work that runs beside other work in one invocation, where a logger-wide key would mix them.
   */
  with(fields: LogFields): Telemetry;
}
