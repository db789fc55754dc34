/**
 * `npm run bench:cold-start [-- --runs 7 --node /path/to/node22 --no-profile --keep]`
 *
 * The cold-start share the bundles control: how long `await import(index.mjs)` takes in a fresh Node
 * process, for each function's bundle, as `cdk synth` bundles it. Synthesizes the app with real esbuild
 * bundling once per variant (the bundling options in force, the options before the cold-start work, and
 * one option changed at a time, set through the `kombo-sync:bundling` context), then imports each
 * bundle `--runs` times, all variants interleaved so that a busy machine slows them alike. Reports the
 * median (and min) wall and CPU time, with the function's NODE_OPTIONS as deployed (`--enable-source-maps`)
 * and without. Also: bytes per top-level package (esbuild's metafile), the import time of the top
 * packages alone, what a change in lambdas/ would gain (built with esbuild directly, same options),
 * where the time goes (a CPU profile of an unminified build) and the webhook handler's in-process
 * latency on the I/O-free paths.
 *
 * Lambda runs Node 22; pass `--node` a Node 22 binary to measure with it (default: the Node running this).
 * Writes bench/results/cold-start.json and prints tables.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { BUNDLE_KIND, BUNDLE_KIND_EXPRESSION } from '../lambdas/contracts';
import { BUNDLING_CONTEXT_KEY, SYNC_FUNCTION_BUNDLING } from '../lib/sync-function';
import { bundledFunction, WEBHOOK_FUNCTION } from '../local/cdk-out';
import { synthApp } from '../test/support/synth';

const root = path.resolve(import.meta.dirname, '..');
const resultsFile = path.join(root, 'bench/results/cold-start.json');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    node: { type: 'string', default: process.execPath },
    'no-profile': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');
const NODE = args.node;
const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();

// ---------------------------------------------------------------------------------------------------------------
// What is measured

const FUNCTIONS = [
  { name: 'webhook', handlerDir: 'webhook', description: WEBHOOK_FUNCTION },
  { name: 'worker', handlerDir: 'worker', description: /runs sync jobs/ },
  { name: 'full-sync', handlerDir: 'full-sync', description: /plans full syncs/ },
] as const;
type FunctionName = (typeof FUNCTIONS)[number]['name'];
const ALL: readonly FunctionName[] = FUNCTIONS.map((fn) => fn.name);

/** The bundling options before the cold-start work (lib/sync-function.ts at 9d4ac1f), as overrides. */
const BEFORE = {
  bundleAwsSDK: false,
  sourcesContent: true,
  esbuildArgs: {},
  banner:
    "import { createRequire as __kombo_createRequire } from 'node:module'; const require = __kombo_createRequire(import.meta.url);",
};

interface Variant {
  readonly name: string;
  readonly what: string;
  readonly overrides: Record<string, unknown>;
  readonly functions: readonly FunctionName[];
  /** CDK context besides the bundling overrides. @default none: as `cdk synth` deploys */
  readonly context?: Record<string, unknown>;
}

/**
 * Every bundle measured is built as the local-invoke kind (lambdas/contracts.ts BUNDLE_KIND): it takes the
 * local webhook secret override, so the handler latency runs without Secrets Manager. The kind is one string
 * literal in the code; nothing else differs from the deployed bundle.
 */
const MEASURABLE_BUNDLE = { [BUNDLE_KIND_EXPRESSION]: JSON.stringify(BUNDLE_KIND.localInvoke) };

/**
 * The X-Ray SDK in the tracer requires @smithy packages and node built-ins at run time (CommonJS): without the
 * bundled SDK, or without the LAZY_BUILTINS aliases, the ESM bundle cannot resolve them, so those variants
 * measure with tracing off (as before tracing).
 */
const WITHOUT_TRACING = { tracing: false };

const VARIANTS: readonly Variant[] = [
  {
    name: 'before',
    what: 'AWS SDK external (from the runtime), createRequire banner, map with sources, no tracing',
    overrides: BEFORE,
    functions: ALL,
    context: WITHOUT_TRACING,
  },
  { name: 'after', what: 'SYNC_FUNCTION_BUNDLING in lib/sync-function.ts', overrides: {}, functions: ALL },
  {
    name: 'after, tracing off',
    what: '-c tracing=false: the tracer is not loaded',
    overrides: {},
    functions: ['webhook'],
    context: WITHOUT_TRACING,
  },
  {
    name: 'after, SDK external',
    what: 'bundleAwsSDK: false, tracing off',
    overrides: { bundleAwsSDK: false },
    functions: ['webhook'],
    context: WITHOUT_TRACING,
  },
  {
    name: 'after, built-ins imported',
    what: 'no LAZY_BUILTINS aliases: static ESM imports of node built-ins, tracing off',
    overrides: { esbuildArgs: {} },
    functions: ['webhook'],
    context: WITHOUT_TRACING,
  },
  {
    name: 'after, map with sources',
    what: 'sourcesContent: true',
    overrides: { sourcesContent: true },
    functions: ['webhook'],
  },
  {
    name: 'after, inline map',
    what: 'sourceMapMode: inline',
    overrides: { sourceMapMode: SourceMapMode.INLINE },
    functions: ['webhook'],
  },
  { name: 'after, no map', what: 'sourceMap: false', overrides: { sourceMap: false }, functions: ['webhook'] },
];

/** Values for the variables the template sets with references; the factories validate them at import. */
const PLAUSIBLE_ENV: Record<string, string> = {
  SYNC_JOBS_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/kombo-sync-jobs.fifo',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/kombo-sync-dead-letters.fifo',
  STATE_TABLE: 'kombo-sync-state',
  RECORDS_TABLE: 'kombo-sync-records',
  WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:kombo-sync-webhook-AbCdEf',
  KOMBO_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:kombo-sync-AbCdEf',
};
/** What Lambda sets in every execution environment (as far as the import can tell). */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'eu-central-1',
  AWS_DEFAULT_REGION: 'eu-central-1',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  LAMBDA_TASK_ROOT: '/var/task',
  TZ: ':UTC',
  // Lambda runs Node 22; on an older local Node the SDK would print a support warning at import.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Top-level packages whose import alone is measured (unbundled, from node_modules, as `import('zod')`). */
const PACKAGES_ALONE = [
  'zod',
  'zod/mini',
  '@middy/core',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-dynamodb+@aws-sdk/lib-dynamodb+@aws-sdk/client-sqs+@aws-sdk/client-secrets-manager',
];

// ---------------------------------------------------------------------------------------------------------------
// Child processes

interface ImportSample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly builtinsLoaded: number;
  readonly undici: boolean;
}

const MARK = 'COLD_START_RESULT ';

/** The code a fresh `node --input-type=module -e` runs: time `load`, report it and the built-ins it loaded. */
function timingScript(load: string): string {
  return [
    'const before = new Set(process.moduleLoadList);',
    'const cpu = process.cpuUsage(); const t = performance.now();',
    load,
    'const wallMs = performance.now() - t; const used = process.cpuUsage(cpu);',
    "const added = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule '));",
    `console.log(${JSON.stringify(MARK)} + JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000,`,
    "  builtinsLoaded: added.length, undici: added.some((m) => m.includes('undici')) }));",
  ].join('\n');
}

function runNode(script: string, env: Record<string, string>, cwd: string, extraArgs: string[] = []): string {
  const result = spawnSync(NODE, [...extraArgs, '--input-type=module', '-e', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`node exited ${result.status} in ${cwd}:\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}

function parseSample(stdout: string): ImportSample {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(MARK));
  if (!line) throw new Error(`no result in output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice(MARK.length)) as ImportSample;
}

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median: round(median), min: round(sorted[0] ?? 0), max: round(sorted.at(-1) ?? 0) };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const kib = (bytes: number) => round(bytes / 1024);

/** An import to time: `runs` samples taken in the interleaved loop. */
interface ImportJob {
  readonly label: string;
  readonly script: string;
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly samples: ImportSample[];
  /** For a bundle built here: its size. */
  readonly bundleBytes?: number;
}

function importJob(label: string, load: string, env: Record<string, string>, cwd: string): ImportJob {
  return { label, script: timingScript(load), env, cwd, samples: [] };
}

/** Runs every job `RUNS` times, round-robin, so that a change in the machine's load hits all of them alike. */
function runInterleaved(jobs: readonly ImportJob[], what: string): void {
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`\r${what}: run ${run}/${RUNS} (${jobs.length} imports each)   `);
    for (const job of jobs) job.samples.push(parseSample(runNode(job.script, job.env, job.cwd)));
  }
  process.stderr.write('\n');
}

function summary(job: ImportJob) {
  const last = job.samples.at(-1);
  return {
    wallMs: stats(job.samples.map((s) => s.wallMs)),
    cpuMs: stats(job.samples.map((s) => s.cpuMs)),
    builtinsLoaded: last?.builtinsLoaded ?? 0,
    undiciLoaded: last?.undici ?? false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Synthesized bundles

interface TemplateFunction {
  Type: string;
  Properties?: { Description?: string; Environment?: { Variables?: Record<string, unknown> } };
}

interface Bundle {
  readonly variant: string;
  readonly fn: FunctionName;
  readonly entry: string;
  /** The function's environment as deployed, references replaced by plausible values. */
  readonly env: Record<string, string>;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly metafile: Metafile | undefined;
}

function fileSize(file: string): number {
  try {
    return readFileSync(file).length;
  } catch {
    return 0;
  }
}

function functionEnv(template: { Resources: Record<string, TemplateFunction> }, logicalId: string) {
  const variables = template.Resources[logicalId]?.Properties?.Environment?.Variables ?? {};
  const env: Record<string, string> = { ...LAMBDA_ENV };
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[key] = value;
    else if (PLAUSIBLE_ENV[key] !== undefined) env[key] = PLAUSIBLE_ENV[key];
    else throw new Error(`${logicalId}: no plausible value for ${key} (add it to PLAUSIBLE_ENV)`);
  }
  return env;
}

function synthVariant(variant: Variant, workDir: string): Bundle[] {
  const outdir = path.join(workDir, variant.name.replace(/[^a-z0-9]+/gi, '-'));
  process.stderr.write(`synthesizing "${variant.name}" (${variant.what})\n`);
  const { app, stack } = synthApp({
    bundle: true,
    outdir,
    context: {
      ...variant.context,
      [BUNDLING_CONTEXT_KEY]: { define: MEASURABLE_BUNDLE, ...variant.overrides, metafile: true },
    },
  });
  app.synth();
  const template = JSON.parse(readFileSync(path.join(outdir, `${stack.artifactId}.template.json`), 'utf8')) as {
    Resources: Record<string, TemplateFunction>;
  };
  return FUNCTIONS.map((fn) => {
    const { logicalId, entry } = bundledFunction(outdir, stack.artifactId, fn.description);
    const metaPath = path.join(path.dirname(entry), 'index.meta.json');
    return {
      variant: variant.name,
      fn: fn.name,
      entry,
      env: functionEnv(template, logicalId),
      bytes: fileSize(entry),
      mapBytes: fileSize(`${entry}.map`),
      metafile: fileSize(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile) : undefined,
    };
  });
}

/** Bytes in the output per top-level package (`project` for lambdas/), largest first. */
function bytesPerPackage(metafile: Metafile | undefined): Record<string, number> {
  if (!metafile) return {};
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'))?.[1];
  const totals = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    totals.set(packageOf(file), (totals.get(packageOf(file)) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]));
}

function packageOf(file: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (match?.[1]) return match[1];
  if (file.startsWith('lambdas/')) return 'project (lambdas/)';
  if (file.startsWith('<data:')) return 'LAZY_BUILTINS shims';
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// esbuild directly, with the options NodejsFunction passes: for what a change in lambdas/ would gain

/** SYNC_FUNCTION_BUNDLING as esbuild build options (what NodejsFunction turns it into). */
function esbuildOptions(outfile: string, overrides: BuildOptions): BuildOptions {
  const b = SYNC_FUNCTION_BUNDLING;
  const alias = Object.fromEntries(
    b.esbuildArgs['--alias'].map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]),
  );
  return {
    absWorkingDir: root,
    outfile,
    bundle: true,
    platform: 'node',
    target: b.target,
    format: 'esm',
    minify: b.minify,
    sourcemap: b.sourceMap ? 'linked' : false,
    sourcesContent: b.sourcesContent,
    mainFields: b.mainFields,
    alias,
    external: b.bundleAwsSDK ? [] : ['@aws-sdk/*', '@smithy/*'],
    metafile: true,
    logLevel: 'error',
    ...overrides,
  };
}

/** `import { z } from 'zod'` → `import * as z from 'zod'` in lambdas/ (what the recommended change would do). */
const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]lambdas[\\/].*\.ts$/ }, (loaded) => ({
      loader: 'ts',
      contents: readFileSync(loaded.path, 'utf8').replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';"),
    }));
  },
};

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// ---------------------------------------------------------------------------------------------------------------
// Where the time goes: a CPU profile of the unminified `after` webhook bundle

function profileShares(entry: string, env: Record<string, string>, dir: string, runs: number) {
  const source = readFileSync(entry, 'utf8').split('\n');
  // esbuild starts each module of an unminified bundle with a `// path/to/module.js` comment.
  const starts: Array<[number, string]> = [];
  source.forEach((line, index) => {
    const match = /^\/\/ ((?:node_modules|lambdas)\/\S+)$/.exec(line);
    if (match?.[1]) starts.push([index, packageOf(match[1])]);
  });
  const moduleAt = (line: number) => {
    let found = 'esbuild runtime helpers';
    for (const [start, name] of starts) {
      if (start > line) break;
      found = name;
    }
    return found;
  };
  const totals = new Map<string, number>();
  const profileDir = path.join(dir, 'profiles');
  for (let run = 0; run < runs; run++) {
    rmSync(profileDir, { recursive: true, force: true });
    runNode(timingScript(`await import(${JSON.stringify(pathToFileURL(entry).href)});`), env, path.dirname(entry), [
      '--cpu-prof',
      '--cpu-prof-interval=100',
      `--cpu-prof-dir=${profileDir}`,
    ]);
    for (const file of readdirSync(profileDir)) {
      const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
      for (const [category, micros] of attribute(profile, entry, moduleAt)) {
        totals.set(category, (totals.get(category) ?? 0) + micros);
      }
    }
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .map(([category, micros]) => [category, { ms: round(micros / 1000 / runs), share: round(micros / all, 3) }]),
  );
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

const COMPILE = new Set(['compileSourceTextModule', 'ModuleWrap']);
const BUILTIN_LOAD = new Set(['compileForInternalLoader', 'requireBuiltin', 'compileForPublicLoader']);

/** Time per category: the bundle's package for samples in its code, else what node was doing and for whom. */
function attribute(profile: CpuProfile, entry: string, moduleAt: (line: number) => string): Map<string, number> {
  const bundleUrl = pathToFileURL(entry).href;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const category = (id: number): string => {
    const top = byId.get(id);
    if (!top) return 'other';
    if (top.callFrame.url === bundleUrl) return moduleAt(top.callFrame.lineNumber);
    if (top.callFrame.functionName.startsWith('(')) return top.callFrame.functionName; // (garbage collector), …
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (!frame) break;
      if (COMPILE.has(frame.functionName)) return 'node: compile the bundle';
      if (BUILTIN_LOAD.has(frame.functionName)) return 'node: load built-in modules';
      if (frame.url === bundleUrl) return `${moduleAt(frame.lineNumber)} (in node/V8 calls)`;
    }
    return 'node: module loader, startup';
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const key = category(id);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return totals;
}

// ---------------------------------------------------------------------------------------------------------------
// The webhook handler in-process, on the paths without I/O

const LATENCY_PROCESSES = 3;
const LATENCY_ITERATIONS = 5000;

/** p50/p99 of the handler on two I/O-free paths: the median over LATENCY_PROCESSES fresh processes of each. */
function handlerLatency(entry: string, env: Record<string, string>, dir: string) {
  const secret = 'whsec_bench_only';
  const resultFile = path.join(dir, `latency-${createHash('sha1').update(entry).digest('hex').slice(0, 8)}.json`);
  const body = JSON.stringify({ id: 'evt_bench', type: 'bench-not-handled', data: {} });
  const event = (payload: string, signature: string) => ({
    version: '2.0',
    routeKey: 'POST /webhooks/kombo',
    rawPath: '/webhooks/kombo',
    headers: { 'content-type': 'application/json', 'x-kombo-signature': signature },
    isBase64Encoded: false,
    body: payload,
  });
  const cases = {
    'signed, event type not handled (200)': event(body, createHmac('sha256', secret).update(body).digest('base64url')),
    'bad signature (401)': event(body, 'not-the-signature'),
  };
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const cases = ${JSON.stringify(cases)};
    const context = { functionName: 'webhook', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };
    const result = {};
    for (const [name, event] of Object.entries(cases)) {
      let status;
      for (let i = 0; i < 500; i++) status = (await handler(event, context)).statusCode;
      const times = [];
      for (let i = 0; i < ${LATENCY_ITERATIONS}; i++) {
        const t = performance.now();
        await handler(event, context);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] * 1000;
      result[name] = { statusCode: status, p50Us: at(0.5), p99Us: at(0.99) };
    }
    (await import('node:fs')).writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify(result));
  `;
  // The local override instead of WEBHOOK_SECRET_ARN: no Secrets Manager call.
  const { WEBHOOK_SECRET_ARN: _secretArn, ...webhookEnv } = env;
  const runs: Array<Record<string, { statusCode: number; p50Us: number; p99Us: number }>> = [];
  for (let run = 0; run < LATENCY_PROCESSES; run++) {
    // The handler logs every call: to /dev/null, so that a pipe to this process does not slow it.
    const result = spawnSync(NODE, ['--input-type=module', '-e', script], {
      cwd: path.dirname(entry),
      env: { PATH: process.env.PATH ?? '', ...webhookEnv, KOMBO_WEBHOOK_SECRET: secret },
      stdio: 'ignore',
    });
    if (result.status !== 0) throw new Error(`handler latency run exited ${result.status} for ${entry}`);
    runs.push(JSON.parse(readFileSync(resultFile, 'utf8')));
  }
  return Object.fromEntries(
    Object.keys(cases).map((name) => {
      const of = (key: 'p50Us' | 'p99Us') => stats(runs.map((run) => run[name]?.[key] ?? Number.NaN)).median;
      return [
        name,
        { statusCode: runs[0]?.[name]?.statusCode, p50Us: Math.round(of('p50Us')), p99Us: Math.round(of('p99Us')) },
      ];
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

function table(title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>) {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)));
  console.log(`\n${title}`);
  console.log(line(cells[0] ?? []).join('  '));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row).join('  '));
}

// ---------------------------------------------------------------------------------------------------------------
// Main

const workDir = mkdtempSync(path.join(os.tmpdir(), 'kombo-cold-start-'));
// Where the runtime's SDK resolves from when a variant leaves it external (Lambda's /var/runtime/node_modules).
symlinkSync(path.join(root, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
const loadBefore = os.loadavg();
const started = Date.now();

try {
  // 1. Synthesize every variant; time the imports of all bundles, interleaved.
  const bundles = VARIANTS.flatMap((variant) =>
    synthVariant(variant, workDir).filter((bundle) => variant.functions.includes(bundle.fn)),
  );

  // 2. lambdas/ what-if, built with esbuild directly: `import * as z from 'zod'` instead of `import { z }`.
  const whatIfDir = path.join(workDir, 'what-if');
  const whatIf: Bundle[] = [];
  const sameAsSynthesized: Record<string, boolean> = {};
  for (const fn of FUNCTIONS) {
    const entry = path.join(root, 'lambdas', fn.handlerDir, 'handler.ts');
    const after = bundles.find((bundle) => bundle.variant === 'after' && bundle.fn === fn.name);
    if (!after) throw new Error(`no after bundle for ${fn.name}`);
    // The same options without the plugin must give the synthesized bundle byte for byte.
    const check = path.join(whatIfDir, `${fn.name}-check`, 'index.mjs');
    await build(esbuildOptions(check, { entryPoints: [entry] }));
    sameAsSynthesized[fn.name] = sha256(check) === sha256(after.entry);
    const outfile = path.join(whatIfDir, fn.name, 'index.mjs');
    const result = await build(esbuildOptions(outfile, { entryPoints: [entry], plugins: [zodNamespaceImport] }));
    whatIf.push({
      ...after,
      variant: "after + lambdas/ `import * as z from 'zod'`",
      entry: outfile,
      bytes: fileSize(outfile),
      mapBytes: fileSize(`${outfile}.map`),
      metafile: result.metafile,
    });
  }

  // 3. Parts alone, bundled with the same options: zod's tree-shaking, zod/mini, and the webhook's pieces.
  const alone: Record<string, string> = {
    "zod: import { z } from 'zod' (as lambdas/ do)":
      "import { z } from 'zod'; export const schema = z.object({ a: z.string().min(1), b: z.url().optional() });",
    "zod: import * as z from 'zod'":
      "import * as z from 'zod'; export const schema = z.object({ a: z.string().min(1), b: z.url().optional() });",
    "zod/mini: import * as z from 'zod/mini'":
      "import * as z from 'zod/mini'; export const schema = z.object({ a: z.string().check(z.minLength(1)), b: z.optional(z.url()) });",
    'lambdas/adapters/aws-clients: awsClients() (the SDK as the functions use it)':
      "import { awsClients } from './lambdas/adapters/aws-clients'; export const clients = awsClients();",
    'lambdas/adapters/powertools + @middy/core + the two middlewares':
      "export * from './lambdas/adapters/powertools'; export { default as middy } from '@middy/core'; export { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'; export { logMetrics } from '@aws-lambda-powertools/metrics/middleware';",
    'lambdas/core/config: webhookConfig() (zod + the resource catalogue)':
      "import { webhookConfig } from './lambdas/core/config'; export const config = webhookConfig();",
  };
  const aloneBundles: Array<{ label: string; entry: string; bytes: number }> = [];
  for (const [index, [label, contents]] of Object.entries(alone).entries()) {
    const outfile = path.join(workDir, 'alone', String(index), 'index.mjs');
    await build(
      esbuildOptions(outfile, { stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'alone.ts' } }),
    );
    aloneBundles.push({ label: `${label}, bundled`, entry: outfile, bytes: fileSize(outfile) });
  }

  const importOf = (entry: string) => `await import(${JSON.stringify(pathToFileURL(entry).href)});`;
  const bareEnv = (env: Record<string, string>) => {
    const { NODE_OPTIONS: _, ...rest } = env;
    return rest;
  };
  const bundleJobs = [...bundles, ...whatIf].flatMap((bundle) => [
    { bundle, mode: 'deployed', job: importJob('', importOf(bundle.entry), bundle.env, path.dirname(bundle.entry)) },
    {
      bundle,
      mode: 'bare',
      job: importJob('', importOf(bundle.entry), bareEnv(bundle.env), path.dirname(bundle.entry)),
    },
  ]);
  const afterEnv = bareEnv(bundles.find((bundle) => bundle.variant === 'after' && bundle.fn === 'webhook')?.env ?? {});
  const packageJobs: ImportJob[] = [
    ...PACKAGES_ALONE.map((spec) =>
      importJob(
        spec,
        spec
          .split('+')
          .map((part) => `await import(${JSON.stringify(part)});`)
          .join(' '),
        LAMBDA_ENV,
        root,
      ),
    ),
    importJob('node:http (ESM import)', "await import('node:http');", LAMBDA_ENV, root),
    importJob('node:http (process.getBuiltinModule)', "process.getBuiltinModule('node:http');", LAMBDA_ENV, root),
    importJob('node:https (ESM import)', "await import('node:https');", LAMBDA_ENV, root),
    importJob('nothing (empty import)', "await import('data:text/javascript,');", LAMBDA_ENV, root),
    ...aloneBundles.map((part) => ({
      ...importJob(part.label, importOf(part.entry), afterEnv, workDir),
      bundleBytes: part.bytes,
    })),
  ];
  runInterleaved([...bundleJobs.map((entry) => entry.job), ...packageJobs], 'importing');

  // 4. Where the time goes, and the handler's in-process latency.
  const afterWebhook = bundles.find((bundle) => bundle.variant === 'after' && bundle.fn === 'webhook');
  const beforeWebhook = bundles.find((bundle) => bundle.variant === 'before' && bundle.fn === 'webhook');
  if (!afterWebhook || !beforeWebhook) throw new Error('no webhook bundle');
  let profile: ReturnType<typeof profileShares> | undefined;
  if (!args['no-profile']) {
    process.stderr.write('profiling the unminified after webhook bundle\n');
    const plain = path.join(workDir, 'profile', 'index.mjs');
    mkdirSync(path.dirname(plain), { recursive: true });
    await build(
      esbuildOptions(plain, {
        entryPoints: [path.join(root, 'lambdas/webhook/handler.ts')],
        minify: false,
        sourcemap: false,
      }),
    );
    profile = profileShares(plain, afterWebhook.env, path.dirname(plain), Math.max(3, Math.min(RUNS, 5)));
  }
  process.stderr.write('handler latency in-process\n');
  const webhookWhatIf = whatIf.find((bundle) => bundle.fn === 'webhook');
  const latency = {
    before: handlerLatency(beforeWebhook.entry, beforeWebhook.env, workDir),
    after: handlerLatency(afterWebhook.entry, afterWebhook.env, workDir),
    ...(webhookWhatIf
      ? { [webhookWhatIf.variant]: handlerLatency(webhookWhatIf.entry, webhookWhatIf.env, workDir) }
      : {}),
  };

  // 5. Results.
  const measured = bundleJobs.map(({ bundle, mode, job }) => ({
    variant: bundle.variant,
    function: bundle.fn,
    mode,
    nodeOptions: mode === 'deployed' ? (bundle.env.NODE_OPTIONS ?? '') : '',
    bundleKiB: kib(bundle.bytes),
    mapKiB: kib(bundle.mapBytes),
    ...summary(job),
  }));
  const whatIfName = whatIf[0]?.variant ?? '';
  const wall = (variant: string, fn: string, mode: string) =>
    measured.find((m) => m.variant === variant && m.function === fn && m.mode === mode)?.wallMs ?? {
      median: Number.NaN,
      min: Number.NaN,
    };
  const change = (from: number, to: number) => `${to - from > 0 ? '+' : ''}${round((100 * (to - from)) / from)}%`;
  const beforeAfter = ALL.flatMap((fn) =>
    ['deployed', 'bare'].map((mode) => {
      const [before, after, withZod] = ['before', 'after', whatIfName].map((variant) => wall(variant, fn, mode));
      return {
        function: fn,
        mode,
        beforeMs: before?.median,
        afterMs: after?.median,
        afterChange: change(before?.median ?? 0, after?.median ?? 0),
        withZodMs: withZod?.median,
        withZodChange: change(before?.median ?? 0, withZod?.median ?? 0),
        minBeforeAfterWithZodMs: [before?.min, after?.min, withZod?.min],
      };
    }),
  );
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench:cold-start -- --runs ${RUNS}${NODE === process.execPath ? '' : ' --node <node 22 binary>'}`,
    node: nodeVersion,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      loadAverageBefore: loadBefore.map((value) => round(value, 2)),
      loadAverageAfter: os.loadavg().map((value) => round(value, 2)),
    },
    runs: RUNS,
    method:
      'await import(file://…/index.mjs) in a fresh `node --input-type=module -e` per sample, cwd = the asset directory, ' +
      "the function's environment (references replaced by plausible values); medians of `runs`, every import " +
      'interleaved; cpuMs = process.cpuUsage() over the import (all threads); "deployed" = with the NODE_OPTIONS ' +
      'the template sets (--enable-source-maps), "bare" = without.',
    variants: VARIANTS.map(({ name, what, overrides }) => ({ name, what, overrides })),
    beforeAfterWallMedians: beforeAfter,
    bundles: measured,
    whatIfSameOptionsAsSynthesized: sameAsSynthesized,
    bytesPerPackage: Object.fromEntries(
      [...bundles, ...whatIf]
        .filter((bundle) => bundle.variant !== 'before' && !bundle.variant.startsWith('after,'))
        .map((bundle) => [`${bundle.variant} / ${bundle.fn}`, bytesPerPackage(bundle.metafile)]),
    ),
    packagesAlone: packageJobs.map((job) => ({
      import: job.label,
      ...summary(job),
      ...(job.bundleBytes === undefined ? {} : { bundleKiB: kib(job.bundleBytes) }),
    })),
    ...(profile ? { profileOfAfterWebhookUnminified: profile } : {}),
    webhookHandlerInProcess: latency,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\nnode ${nodeVersion}, ${results.machine.cpus} × ${results.machine.model}, ${RUNS} runs per import`);
  console.log(
    `load average ${results.machine.loadAverageBefore.join(' ')} → ${results.machine.loadAverageAfter.join(' ')}`,
  );
  table(
    'Import of each bundle in a fresh node (ms; median, min in brackets)',
    ['variant', 'function', 'KiB', 'map KiB', 'deployed wall', 'deployed cpu', 'bare wall', 'bare cpu', 'undici'],
    bundles.concat(whatIf).map((bundle) => {
      const row = (mode: string) =>
        measured.find((m) => m.variant === bundle.variant && m.function === bundle.fn && m.mode === mode);
      const deployed = row('deployed');
      const bare = row('bare');
      return [
        bundle.variant,
        bundle.fn,
        kib(bundle.bytes),
        kib(bundle.mapBytes),
        `${deployed?.wallMs.median} (${deployed?.wallMs.min})`,
        `${deployed?.cpuMs.median}`,
        `${bare?.wallMs.median} (${bare?.wallMs.min})`,
        `${bare?.cpuMs.median}`,
        bare?.undiciLoaded ? 'yes' : 'no',
      ];
    }),
  );
  const webhookBytes = bytesPerPackage(afterWebhook.metafile);
  const total = Object.values(webhookBytes).reduce((a, b) => a + b, 0);
  table(
    'Bytes per package in the after webhook bundle (minified)',
    ['package', 'KiB', 'share'],
    Object.entries(webhookBytes)
      .slice(0, 15)
      .map(([name, bytes]) => [name, kib(bytes), `${round((100 * bytes) / total)}%`]),
  );
  table(
    'Imports alone in a fresh node (ms; unbundled from node_modules unless "bundled")',
    ['import', 'KiB', 'wall', 'min', 'cpu'],
    results.packagesAlone.map((row) => [
      row.import,
      'bundleKiB' in row ? String(row.bundleKiB) : '',
      row.wallMs.median,
      row.wallMs.min,
      row.cpuMs.median,
    ]),
  );
  if (profile) {
    table(
      'Where the after webhook import goes (CPU profile of an unminified build; profiler overhead included)',
      ['category', 'ms', 'share'],
      Object.entries(profile)
        .slice(0, 16)
        .map(([name, { ms, share }]) => [name, ms, `${round(share * 100)}%`]),
    );
  }
  table(
    `Webhook handler in-process, I/O-free paths (µs; ${LATENCY_ITERATIONS} calls, median of ${LATENCY_PROCESSES} processes)`,
    ['bundle', 'path', 'p50', 'p99'],
    Object.entries(latency).flatMap(([bundle, paths]) =>
      Object.entries(paths).map(([name, { p50Us, p99Us }]) => [bundle, name, p50Us, p99Us]),
    ),
  );
  table(
    `Before → after (wall ms, median; "with zod" = after + ${whatIfName.replace(/^after \+ /, '')}; mins last)`,
    ['function', 'NODE_OPTIONS', 'before', 'after', 'change', 'with zod', 'change', 'min before/after/zod'],
    beforeAfter.map((row) => [
      row.function,
      row.mode === 'deployed' ? 'as deployed' : 'none',
      row.beforeMs ?? '',
      row.afterMs ?? '',
      row.afterChange,
      row.withZodMs ?? '',
      row.withZodChange,
      row.minBeforeAfterWithZodMs.join(' / '),
    ]),
  );
  console.log(`\nwhat-if builds identical to the synthesized after bundles: ${JSON.stringify(sameAsSynthesized)}`);
  console.log(`wrote ${path.relative(root, resultsFile)}`);
} finally {
  if (args.keep) console.log(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}
