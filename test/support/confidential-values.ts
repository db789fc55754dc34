import { type Needle, recordNeedles } from './log-leaks';

/**
 * The confidential values of the running test file (each file has its own module instance): what the
 * fake Kombo handed out, the secrets and signatures the test helpers signed with. The log guard
 * (log-guard.ts) checks the file's log lines against them.
 */
const values = new Map<string, string>();
/**
 * The ids of the records served: a record's address, not its data. The functions log it on purpose,
 * to say which record a warning is about (lambdas/core/sync/page-writer.ts, reportRefusal).
 */
const recordIds = new Set<string>();

export function noteConfidential(what: string, value: string): void {
  if (!values.has(value)) values.set(value, what);
}

export function noteRecords(records: readonly unknown[], where: string): void {
  for (const record of records) {
    const id = (record as { id?: unknown }).id;
    if (typeof id === 'string') recordIds.add(id);
    for (const needle of recordNeedles(record, where)) noteConfidential(needle.what, needle.value);
  }
}

export function confidentialNeedles(): Needle[] {
  return [...values].filter(([value]) => !recordIds.has(value)).map(([value, what]) => ({ value, what }));
}
