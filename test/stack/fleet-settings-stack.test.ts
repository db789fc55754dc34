import { describe, expect, it } from 'vitest';
import { synthTemplate } from '../support/synth';

/** The environment of the function whose description matches. */
function environmentOf(template: ReturnType<typeof synthTemplate>, description: RegExp): Record<string, unknown> {
  const found = Object.values(template.findResources('AWS::Lambda::Function')).find((resource) =>
    description.test(resource.Properties?.Description ?? ''),
  );
  if (!found) throw new Error(`no function ${description}`);
  return found.Properties.Environment.Variables;
}

describe('fleet settings', () => {
  it('gives the worker and the full-sync function one request budget and one lane count, by default', () => {
    const template = synthTemplate();
    for (const fn of [/runs sync jobs/, /plans full syncs/]) {
      expect(environmentOf(template, fn)).toMatchObject({
        KOMBO_REQUESTS_PER_MINUTE: '270',
        KOMBO_REALTIME_SHARE_PERCENT: '20',
        BULK_LANES: '3',
      });
    }
    expect(environmentOf(template, /receives Kombo webhooks|webhook/i)).not.toHaveProperty('KOMBO_REQUESTS_PER_MINUTE');
  });

  it('takes the budget, the lanes, the slice and the partition write rate from context', () => {
    const template = synthTemplate({
      context: {
        komboRequestsPerMinute: '900',
        komboRealtimeSharePercent: '30',
        bulkLanes: '2',
        bulkSliceSeconds: '45',
        partitionWriteUnitsPerSecond: '500',
      },
    });
    expect(environmentOf(template, /runs sync jobs/)).toMatchObject({
      KOMBO_REQUESTS_PER_MINUTE: '900',
      KOMBO_REALTIME_SHARE_PERCENT: '30',
      BULK_LANES: '2',
      BULK_SLICE_SECONDS: '45',
      PARTITION_WRITE_UNITS_PER_SECOND: '500',
    });
    expect(environmentOf(template, /plans full syncs/)).toMatchObject({
      KOMBO_REQUESTS_PER_MINUTE: '900',
      BULK_LANES: '2',
    });
  });

  it('refuses as many lanes as the worker has concurrent batches, and values out of range, naming them', () => {
    expect(() => synthTemplate({ context: { bulkLanes: '5' } })).toThrow(
      /bulkLanes \(5\) must be fewer than workerMaxConcurrency \(5\)/,
    );
    // More concurrency, more lanes by default.
    expect(environmentOf(synthTemplate({ context: { workerMaxConcurrency: '10' } }), /runs sync jobs/).BULK_LANES).toBe(
      '8',
    );
    expect(() => synthTemplate({ context: { komboRealtimeSharePercent: '100' } })).toThrow(
      /komboRealtimeSharePercent: must be below 100/,
    );
    expect(() => synthTemplate({ context: { partitionWriteUnitsPerSecond: '5000' } })).toThrow(
      /partitionWriteUnitsPerSecond: must be at most 1000/,
    );
  });
});
