/**
 * A vitest setup file: every test file under test/integration and test/convergence fails when one of
 * its log lines (stdout, stderr, console; the Powertools logger included, at INFO as in production:
 * see log-level.ts) carries a secret, an API key, a webhook signature or a value of a record the
 * fake Kombo served (see log-leaks.ts and confidential-values.ts for what counts). Lines are
 * collected for the whole file and checked after its last afterAll hook. Processes a test starts
 * (`npm start`, the CLI) are outside it.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
// The module itself, not the fake's index: every test file loads this setup file, few need the fake.
import { type Confidential, watchConfidential } from '../../local/fake-kombo/confidential';
import { readTestWebhookSecret } from '../../local/test-webhook-secret';
import { confidentialNeedles, noteConfidential, noteRecords } from './confidential-values';
import { captureLogs, type LogCapture } from './log-capture';
import { describeLeaks, findLeaks } from './log-leaks';
import { raiseLogLevelToInfo } from './log-level';

const GUARDED_FOLDERS = ['test/integration/', 'test/convergence/'];
const ROOT = path.resolve(import.meta.dirname, '..', '..');

const testFile = path
  .relative(ROOT, expect.getState().testPath ?? '')
  .split(path.sep)
  .join('/');
let capture: LogCapture | undefined;

if (GUARDED_FOLDERS.some((folder) => testFile.startsWith(folder))) {
  const level = raiseLogLevelToInfo();
  capture = captureLogs({ shown: level.shown });
  // The file's modules, its loggers with them, are loaded by now; what it starts gets the tests' level.
  beforeAll(() => level.restore());
  const unwatch = watchConfidential(note);
  noteConfidential('the test webhook secret', readTestWebhookSecret());
  afterAll(() => {
    unwatch();
    capture?.stop();
    const leaks = findLeaks(capture?.lines() ?? [], confidentialNeedles());
    if (leaks.length > 0) throw new Error(describeLeaks(leaks, testFile));
  });
}

/** What the guard sees of the running file; undefined when the file is not guarded. */
export function guardedLines(): string[] | undefined {
  return capture?.lines();
}

function note(handedOut: Confidential): void {
  if (handedOut.kind === 'records') {
    noteRecords(handedOut.records, `a ${handedOut.resource} record the fake Kombo served`);
  } else {
    noteConfidential(`the fake Kombo's ${handedOut.kind}`, handedOut.value);
  }
}
