import type { LogFields, Telemetry } from '../../lambdas/core/ports';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A Telemetry that keeps what it was told, for assertions. */
export class RecordingTelemetry implements Telemetry {
  readonly lines: LogLine[] = [];
  readonly counts = new Map<string, number>();

  info(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'error', message, fields });
  }
  count(name: string, value = 1) {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  counted(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}
