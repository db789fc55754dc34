import { format } from 'node:util';

/**
 * Everything this process writes to stdout and stderr, and through `console`, from now until
 * `stop()`. Powertools' Logger writes through a Console of its own on process.stdout and
 * process.stderr; vitest routes the global `console` around them, so both are tapped. What `shown`
 * refuses is captured but not passed on (the guard checks lines the terminal is spared).
 */
export interface LogCapture {
  lines(): string[];
  stop(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export function captureLogs(options: { shown?: (text: string) => boolean } = {}): LogCapture {
  const shown = options.shown ?? (() => true);
  const chunks: string[] = [];
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      chunks.push(text);
      if (!shown(text)) {
        // A write's callback must still be called, or a caller waiting for it would hang.
        const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    restore.push(() => {
      stream.write = write;
    });
  }
  for (const method of CONSOLE_METHODS) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const text = format(...args);
      chunks.push(text);
      if (shown(text)) original.apply(console, args);
    };
    restore.push(() => {
      console[method] = original;
    });
  }
  return {
    lines: () => chunks.flatMap((chunk) => chunk.split('\n')).filter((line) => line !== ''),
    stop: () => {
      for (const undo of restore.splice(0)) undo();
    },
  };
}
