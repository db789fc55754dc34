import type { MetricName, MetricOfUnit } from '../../lambdas/contracts';
import type { LogFields, Telemetry } from '../../lambdas/core/ports';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A Telemetry that keeps what it was told, for assertions; `with` shares the record, adding its fields to lines. */
export class RecordingTelemetry implements Telemetry {
  readonly lines: LogLine[];
  readonly counts: Map<MetricName, number>;
  /** Every value of each seconds metric, in order. */
  readonly values: Map<MetricName, number[]>;

  constructor(
    private readonly persistent: LogFields = {},
    shared?: Pick<RecordingTelemetry, 'lines' | 'counts' | 'values'>,
  ) {
    this.lines = shared?.lines ?? [];
    this.counts = shared?.counts ?? new Map();
    this.values = shared?.values ?? new Map();
  }

  with(fields: LogFields): RecordingTelemetry {
    return new RecordingTelemetry({ ...this.persistent, ...fields }, this);
  }

  info(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'info', message, fields: { ...this.persistent, ...fields } });
  }
  warn(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'warn', message, fields: { ...this.persistent, ...fields } });
  }
  error(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'error', message, fields: { ...this.persistent, ...fields } });
  }
  count(name: MetricOfUnit<'Count'>, value = 1) {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  seconds(name: MetricOfUnit<'Seconds'>, value: number) {
    this.values.set(name, [...(this.values.get(name) ?? []), value]);
  }
  counted(name: MetricName): number {
    return this.counts.get(name) ?? 0;
  }
}
