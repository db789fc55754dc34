import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../contracts';
import type { LogFields, Telemetry } from '../core/ports';

/** One logger and one metrics buffer per container, shared by the handler and the domain. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/**
 * Telemetry over the Powertools logger. `with` adds its fields to every line it writes itself rather than
 * through a child logger: a child is a new Logger (its configuration parsed again), too slow to make per
 * webhook.
 */
function telemetryWith(persistent: LogFields): Telemetry {
  const fieldsOf = (fields: LogFields | undefined) => ({ ...persistent, ...fields });
  return {
    info: (message: string, fields?: LogFields) => logger.info(message, fieldsOf(fields)),
    warn: (message: string, fields?: LogFields) => logger.warn(message, fieldsOf(fields)),
    error: (message: string, fields?: LogFields) => logger.error(message, fieldsOf(fields)),
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    seconds: (name, value) => metrics.addMetric(name, MetricUnit.Seconds, value),
    with: (fields) => telemetryWith(fieldsOf(fields)),
  };
}

export const telemetry: Telemetry = telemetryWith({});
