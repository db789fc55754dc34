import { createInterface } from 'node:readline/promises';
import type { Readable } from 'node:stream';

/**
 * Everything the CLI touches of its process, passed in: tests run it in-process with captured output, their
 * own environment and scripted answers, and nothing reads `process` behind their back.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where a confirmation is read from; undefined when nobody can answer (no terminal, no pipe). */
  readonly stdin: Readable | undefined;
  /** Whether stderr is a terminal: progress then rewrites one line instead of adding many. */
  readonly interactive: boolean;
  readonly now: () => Date;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdin: process.stdin.isTTY ? process.stdin : undefined,
    interactive: process.stderr.isTTY === true,
    now: () => new Date(),
  };
}

/** One line on stdout. */
export const say = (io: CliIo, line = '') => io.stdout(`${line}\n`);

/** Reads one answer line; undefined when the input ended without one. */
export async function ask(io: CliIo, question: string): Promise<string | undefined> {
  if (!io.stdin) return undefined;
  io.stderr(question);
  const lines = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of lines) return line.trim();
    return undefined;
  } finally {
    lines.close();
  }
}

/**
 * Progress of a long operation on stderr (stdout stays the result, for pipes and `--json`): on a terminal one
 * line rewritten in place, elsewhere a line at most every few seconds.
 */
export function progress(io: CliIo, everyMs = 5_000) {
  // Quiet for the first interval: a short run needs no progress.
  let last = Date.now();
  let shown = false;
  return {
    update(text: string) {
      const now = Date.now();
      if (io.interactive) {
        io.stderr(`\r\x1b[2K${text}`);
        shown = true;
      } else if (now - last >= everyMs) {
        io.stderr(`${text}\n`);
        last = now;
      }
    },
    done() {
      if (shown) io.stderr('\r\x1b[2K');
      shown = false;
    },
  };
}
