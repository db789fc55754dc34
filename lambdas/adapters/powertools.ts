import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../contracts';
import type { LogFields, Telemetry } from '../core/ports';

/** One logger and one metrics buffer per container, shared by the handler and the domain. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** Telemetry over a Powertools logger; `with` makes a child logger with more persistent keys. */
function telemetryOf(log: Logger): Telemetry {
  return {
    info: (message: string, fields?: LogFields) => log.info(message, fields ?? {}),
    warn: (message: string, fields?: LogFields) => log.warn(message, fields ?? {}),
    error: (message: string, fields?: LogFields) => log.error(message, fields ?? {}),
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    seconds: (name, value) => metrics.addMetric(name, MetricUnit.Seconds, value),
    with: (fields) => telemetryOf(log.createChild({ persistentKeys: fields })),
  };
}

export const telemetry: Telemetry = telemetryOf(logger);
