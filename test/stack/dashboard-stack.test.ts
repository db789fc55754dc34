import { describe, expect, it } from 'vitest';
import { METRICS } from '../../lambdas/contracts';
import { synthTemplate } from '../support/synth';

/** The dashboard's body as text, with every token (Ref, GetAtt) written as its JSON. */
function dashboardBody(): string {
  const dashboards = Object.values(synthTemplate().findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('dashboard', () => {
  const body = dashboardBody();
  const widgets = () =>
    JSON.parse(body.replace(/\{"(Ref|Fn::GetAtt)":[^}]*\}/g, 'TOKEN')) as {
      widgets: { properties: { title: string; metrics?: unknown[][] } }[];
    };

  it('charts only metrics of the catalogue from our namespace, and every part of the pipeline', () => {
    const ours = [...body.matchAll(/\["KomboSync","(\w+)"/g)].map((match) => match[1] ?? '');
    expect(ours.length).toBeGreaterThan(10);
    expect(ours.filter((name) => !Object.hasOwn(METRICS, name))).toEqual([]);
    for (const name of ['WebhookAccepted', 'KomboRateLimited', 'RecordsSwept', 'RecordsRejected', 'SyncLagSeconds'])
      expect(ours, name).toContain(name);
    expect(widgets().widgets.map((widget) => widget.properties.title)).toEqual([
      'Alarms',
      'Webhooks',
      'Webhook API',
      'Sync jobs queue',
      'Dead letters',
      'Jobs and walks',
      'Kombo',
      'Records',
      'Worst sync lag (s)',
      'Function duration p99 (ms)',
      'Function errors',
      'Function throttles',
    ]);
    for (const metric of ['ApproximateAgeOfOldestMessage', '"5xx"', '"4xx"', '"Latency"', '"Throttles"', '"Duration"'])
      expect(body, metric).toContain(metric.replaceAll('"', ''));
  });

  it('shows the sync lag by its maximum, and the stack outputs the dashboard URL', () => {
    expect(body).toMatch(/"KomboSync","SyncLagSeconds","service","kombo-sync",\{[^}]*"stat":"Maximum"/);
    const outputs = synthTemplate().findOutputs('DashboardUrl');
    expect(JSON.stringify(outputs)).toContain('#dashboards:name=KomboSyncStack-kombo-sync');
  });
});
