/**
 * The functions log at INFO in production (lambdas/adapters/powertools.ts), the tests at WARN
 * (vitest.config.ts), so most production lines never exist in a test run. The log guard makes the
 * Powertools logger write INFO lines while a file's modules load (it reads its level when it is
 * created), checks them, and keeps them off the terminal as before.
 */
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const rank = (level: string | undefined) => LEVELS.indexOf((level ?? 'INFO').toUpperCase());
/** A Powertools JSON line begins with its level. */
const POWERTOOLS_LINE = /^\{"level":"([A-Z]+)"/;

export interface RaisedLogLevel {
  /** False for a Powertools line below the level the tests were given: the terminal does not get it. */
  shown(text: string): boolean;
  /** The tests' level again, for loggers created (and processes started) from now on. */
  restore(): void;
}

export function raiseLogLevelToInfo(): RaisedLogLevel {
  const given = process.env.POWERTOOLS_LOG_LEVEL;
  if (rank(given) > rank('INFO')) process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  return {
    shown: (text) => {
      const level = POWERTOOLS_LINE.exec(text)?.[1];
      return level === undefined || rank(level) >= rank(given);
    },
    restore: () => {
      if (given === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
      else process.env.POWERTOOLS_LOG_LEVEL = given;
    },
  };
}
