import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS, METRICS_NAMESPACE, type MetricName, SERVICE_NAME } from '../lambdas/contracts';

/**
 * One of the functions' own metrics (the METRICS catalogue: a name nobody emits does not compile), as
 * Powertools publishes it: the stack's namespace, the `service` dimension. Counts sum up; seconds
 * (the sync lag) are watched by their maximum.
 */
export function komboSyncMetric(name: MetricName, period: Duration = Duration.minutes(5)): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: METRICS[name].unit === 'Seconds' ? 'Maximum' : 'Sum',
    period,
  });
}
