import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addCutoverCheckCommand } from './commands/cutover-check';
import { addDlqCommand } from './commands/dlq';
import { addPurgeCommand } from './commands/purge';
import { addRegisterCommand } from './commands/register';
import { runner } from './commands/runner';
import { addStatusCommand } from './commands/status';
import { addSyncCommand } from './commands/sync';
import { addVerifyCommand } from './commands/verify';
import { describeFailure, EXIT } from './errors';
import { type CliIo, processIo } from './io';
import { withTarget } from './target/options';

/**
 * `kombo-sync <command>`: the operator CLI. `runCli` is the whole program as a function of its arguments and
 * I/O (tests call it in-process); the bin (`bin/kombo-sync-cli.mjs`) calls it with the process's own.
 * Exit codes: 0 fine, 1 a finding (drift, not ready, nothing found to redrive), 2 the command could not run.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help and version end with exit code 0; a usage error has been printed by commander already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    const failure = describeFailure(error);
    io.stderr(`kombo-sync: ${failure.line}\n`);
    if (!failure.expected) {
      const stack = error instanceof Error ? error.stack : String(error);
      io.stderr(io.env.KOMBO_SYNC_DEBUG ? `${stack}\n` : '(set KOMBO_SYNC_DEBUG=1 for the stack trace)\n');
    }
    return EXIT.error;
  }
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('kombo-sync')
    .description(
      'Operate a kombo-sync stack: is each customer in sync, does the mirror equal Kombo, and what to do about it. ' +
        'Every command works against the deployed stack (--stack, default KomboSyncStack), the local runtime ' +
        '(--local, what `npm start` runs) or resources named explicitly (see a command’s --help).',
    )
    .version(packageVersion(), '-V, --version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .helpCommand(true);
  const run = runner(io, setExitCode);
  const before = new Set(program.commands);
  addStatusCommand(program, run);
  addVerifyCommand(program, run);
  addSyncCommand(program, run);
  addRegisterCommand(program, run);
  addDlqCommand(program, run);
  addPurgeCommand(program, run);
  addCutoverCheckCommand(program, run);
  // Every command that acts takes the target options; `dlq` only groups its two.
  const leaves = (command: Command): Command[] =>
    command.commands.length === 0 ? [command] : command.commands.flatMap(leaves);
  for (const command of program.commands.filter((command) => !before.has(command))) {
    for (const leaf of leaves(command)) withTarget(leaf);
  }
  return program;
}

function packageVersion(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
