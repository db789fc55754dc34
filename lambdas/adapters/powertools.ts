import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../contracts';
import type { LogFields, Telemetry } from '../core/ports';

/** One logger and one metrics buffer per container, shared by the handler and the domain. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

export const telemetry: Telemetry = {
  info: (message: string, fields?: LogFields) => logger.info(message, fields ?? {}),
  warn: (message: string, fields?: LogFields) => logger.warn(message, fields ?? {}),
  error: (message: string, fields?: LogFields) => logger.error(message, fields ?? {}),
  count: (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
};
