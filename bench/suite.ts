/**
 * The bench's parts in order, their printed tables and result files (bench/results/*.json and the
 * chart). `run.ts` calls it; the smoke test calls the parts directly at a tiny size.
 */
import path from 'node:path';
import { measureBurst } from './burst';
import { type CapacityResult, measureCapacity } from './capacity';
import type { BenchConfig } from './config';
import { measureFleet } from './fleet';
import { machine } from './harness';
import { measureMemory } from './memory';
import {
  burstRows,
  capacityRows,
  fleetRows,
  memoryRows,
  textTable,
  throughputRows,
  writeChart,
  writeJson,
} from './report';
import { measureThroughput } from './throughput';

const REFERENCE_CELLS: Record<BenchConfig['referenceCells'], string> = {
  all: 'every cell',
  cross: 'lowest L and lowest D only (BENCH_REFERENCES=all for every cell)',
  none: 'none: BENCH_REFERENCES=none',
};

const NOTE =
  "The bench's process holds the fake Kombo, fauxqs, the AWS-rules proxy and the worker; dynalite (data on disk) runs behind the proxy in a child process (the memory part runs the worker in a child process too). Wall times compare clients on this machine; dynalite, not DynamoDB, bounds the write rate.";

const FLEET_NOTE =
  "The bench's process holds the fake Kombo, fauxqs, the webhook function and the worker's K containers (one handler each, polling like Lambda's event source); dynalite (data on disk) runs in a child process, without the AWS-rules proxy. Kombo's rate limit is scaled down so a steady week's bound is about a minute; a phase that did not use most of the budget was bounded by something else, named in its finding (on two shared cores: the backfill's writes to dynalite, and this process's CPU).";

export async function runSuite(config: BenchConfig, log: (line: string) => void = console.log): Promise<string[]> {
  const started = performance.now();
  const files: string[] = [];
  const header = { at: new Date().toISOString(), machine: machine(), note: NOTE, config };
  const relative = (file: string) => path.relative(process.cwd(), file);

  if (config.parts.includes('throughput')) {
    log(
      `throughput: ${config.records} records, L ∈ {${config.komboLatenciesMs.join(', ')}} ms, D ∈ {${config.dynamoLatenciesMs.join(', ')}} ms`,
    );
    const result = await measureThroughput(config, log);
    log(
      `\nBackfill vs the cursor-chain bound (ours: median of "runs"; references: ${config.referenceRepeats} run each, ` +
        `${REFERENCE_CELLS[config.referenceCells]})`,
    );
    log(textTable(throughputRows(result)));
    files.push(writeJson(config.resultsDir, 'throughput.json', { benchmark: 'throughput', ...header, ...result }));
    const caption = `${header.machine.cpus} cores, Node ${header.machine.node}; fake Kombo, fauxqs and the worker in one process, dynalite (on disk) in another; L injected by the fake, D by the proxy`;
    files.push(...writeChart(config.resultsDir, result, caption));
  }
  if (config.parts.includes('capacity')) {
    log(`\ncapacity: ${config.capacityRecords} records, backfill → delta re-reading all → full sync`);
    const result: CapacityResult = await measureCapacity(config, log);
    log('\nDynamoDB requests and units per record (counted at the proxy; units from dynalite, refused writes billed)');
    log(textTable(capacityRows(result)));
    log(
      `weekly: $${result.weekly.usdPerMillionRecordsPerWeek} per million records per week (${result.weekly.model}); ` +
        `prices $${result.pricing.usdPerMillionWriteRequestUnits}/M WRU, $${result.pricing.usdPerMillionReadRequestUnits}/M RRU, ${result.pricing.region}, ${result.pricing.source}, assumed as of ${result.pricing.assumedAsOf}`,
    );
    files.push(writeJson(config.resultsDir, 'capacity.json', { benchmark: 'capacity', ...header, ...result }));
  }
  if (config.parts.includes('memory')) {
    log(`\nmemory: the worker alone in a child process, backfills of ${config.memorySizes.join(', ')} records`);
    const result = await measureMemory(config, log);
    log('\nWorker memory (child process)');
    log(textTable(memoryRows(result)));
    files.push(writeJson(config.resultsDir, 'memory.json', { benchmark: 'memory', ...header, ...result }));
  }
  if (config.parts.includes('burst')) {
    log(
      `\nburst: ${config.burstEvents} data-changed events for one resource of ${config.burstRecords} records, ` +
        `${config.burstConcurrency} in flight, each sender pausing ${config.burstIntervalMs} ms, the worker draining meanwhile`,
    );
    const result = await measureBurst(config, log);
    log(textTable(burstRows(result)));
    files.push(writeJson(config.resultsDir, 'burst.json', { benchmark: 'burst', ...header, ...result }));
  }
  if (config.parts.includes('fleet')) {
    const fleet = config.fleet;
    log(
      `\nfleet: ${fleet.integrations} integrations × ${fleet.resources} resources, Kombo ${fleet.rateLimit} requests per ` +
        `${fleet.rateWindowMs / 1000} s and ${fleet.komboLatencyMs} ms a request, ${fleet.concurrency} worker containers, ` +
        `a delta every ${fleet.deltaIntervalMs} ms, BULK_LANES ${fleet.bulkLanes ?? 'not set'}`,
    );
    const result = await measureFleet(config, log);
    log(
      '\nWeekly runs against the rate-limit bound (requests Kombo served ÷ its rate; the budget is 90 % of it, ' +
        `${config.referenceCells === 'none' ? 'reference skipped: BENCH_REFERENCES=none' : 'the reference runs with it off'})`,
    );
    log(textTable(fleetRows(result)));
    for (const finding of result.findings) log(`  ${finding}`);
    log(`  load average before ${result.loadAverage.before.join(' ')}, after ${result.loadAverage.after.join(' ')}`);
    files.push(
      writeJson(config.resultsDir, 'fleet.json', { benchmark: 'fleet', ...header, note: FLEET_NOTE, ...result }),
    );
  }
  log(`\n${((performance.now() - started) / 1000).toFixed(0)} s; written: ${files.map(relative).join(', ')}`);
  return files;
}
