import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName, SyncFunctionName } from '../lambdas/contracts';
import type { DeadLetterQueueName } from './alarm-catalogue';
import { komboSyncMetric } from './metric';

export interface SyncDashboardProps {
  readonly jobQueue: IQueue;
  readonly deadLetterQueues: Record<DeadLetterQueueName, IQueue>;
  readonly functions: Record<SyncFunctionName, IFunction>;
  readonly api: HttpApi;
  /** Shown as one status row at the top. @default none */
  readonly alarms?: readonly Alarm[];
  /** @default `<stack name>-kombo-sync` */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(5);
const WIDE = 12;
const HEIGHT = 6;

/**
 * The whole pipeline on one screen: webhooks in, the queue, jobs, Kombo, records, sync lag, the
 * functions and the API, five minutes a point. Exposes the dashboard and its console URL.
 */
export class SyncDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly url: string;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const dashboardName = props.dashboardName ?? `${stack.stackName}-kombo-sync`;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName, defaultInterval: Duration.hours(24) });
    this.url = `https://${stack.region}.console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${dashboardName}`;

    const ours = (title: string, names: readonly MetricName[]) =>
      graph(
        title,
        names.map((name) => komboSyncMetric(name, PERIOD)),
      );
    const perFunction = (title: string, metricOf: (fn: IFunction) => IMetric) =>
      graph(title, Object.values(props.functions).map(metricOf));

    const rows: IWidget[][] = [
      [
        ours('Webhooks', ['WebhookAccepted', 'WebhookRejected', 'WebhookIgnored', 'WebhookUnauthorized']),
        graph('Webhook API', [
          props.api.metricClientError({ period: PERIOD, label: '4xx' }),
          props.api.metricServerError({ period: PERIOD, label: '5xx' }),
          props.api.metricLatency({ period: PERIOD, statistic: Stats.p(99), label: 'latency p99 (ms)' }),
        ]),
      ],
      [
        graph('Sync jobs queue', [
          props.jobQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: 'visible' }),
          props.jobQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, label: 'oldest message (s)' }),
        ]),
        graph(
          'Dead letters',
          Object.entries(props.deadLetterQueues).map(([name, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: name }),
          ),
        ),
      ],
      [
        ours('Jobs and walks', ['WalksCompleted', 'WalksContinued', 'JobsFailed', 'WalkAbandoned', 'JobCoalesced']),
        ours('Kombo', ['KomboRequests', 'KomboRateLimited', 'KomboRetries']),
      ],
      [
        ours('Records', [
          'RecordsWritten',
          'RecordsUnchanged',
          'RecordsStale',
          'RecordsTombstoned',
          'RecordsSwept',
          'RecordsRejected',
        ]),
        ours('Worst sync lag (s)', ['SyncLagSeconds']),
      ],
      [
        perFunction('Function duration p99 (ms)', (fn) =>
          fn.metricDuration({ period: PERIOD, statistic: Stats.p(99) }),
        ),
        perFunction('Function errors', (fn) => fn.metricErrors({ period: PERIOD, statistic: 'Sum' })),
      ],
      [perFunction('Function throttles', (fn) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }))],
    ];
    if (props.alarms && props.alarms.length > 0) {
      this.dashboard.addWidgets(
        new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 2 * WIDE, height: 4 }),
      );
    }
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: WIDE, height: HEIGHT });
}
