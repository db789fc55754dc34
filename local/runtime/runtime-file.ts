import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * What a running local runtime (`npm start`) publishes about itself in `.local/runtime.json`, so that another
 * process (the operator CLI with `--local`) finds its services: the same facts a deployed stack's outputs give,
 * plus the endpoints and local credentials. The Kombo API key is the fake Kombo's test key; nothing secret.
 */
export const DEFAULT_RUNTIME_FILE = fileURLToPath(new URL('../../.local/runtime.json', import.meta.url));

const url = z.string().url();

export const localRuntimeSchema = z.object({
  version: z.literal(1),
  /** The process serving it: a file whose process is gone is stale. */
  pid: z.number().int().positive(),
  startedAt: z.string(),
  region: z.string().min(1),
  credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  endpoints: z.object({ dynamodb: url, sqs: url, lambda: url }),
  recordsTable: z.string().min(1),
  stateTable: z.string().min(1),
  syncJobsQueueUrl: url,
  deadLetterQueueUrl: url,
  fullSyncFailureQueueUrl: url,
  fullSyncFunctionName: z.string().min(1),
  syncResources: z.string(),
  webhookUrl: url,
  kombo: z.object({ apiUrl: url, adminUrl: url, apiKey: z.string().min(1) }),
});
export type LocalRuntime = z.infer<typeof localRuntimeSchema>;

/** Written whole or not at all (a reader never sees half a file). */
export function writeRuntimeFile(runtime: LocalRuntime, file = DEFAULT_RUNTIME_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(runtime, null, 2)}\n`);
  renameSync(partial, file);
}

/** Removes the file if it still describes this process (another `npm start` may have replaced it). */
export function removeRuntimeFile(file = DEFAULT_RUNTIME_FILE): void {
  try {
    const current = localRuntimeSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (current.success && current.data.pid === process.pid) rmSync(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
