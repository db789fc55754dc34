import type { Command } from 'commander';
import type { CliIo } from '../io';
import { createServices, type Services } from '../services';
import { targetOf } from '../target/options';

/**
 * Runs a command's work with the services its target options describe, records its exit code, and closes
 * the clients however it ends. Commands call it from their commander action.
 */
export type Runner = (command: Command, work: (services: Services) => Promise<number>) => Promise<void>;

export function runner(io: CliIo, setExitCode: (code: number) => void): Runner {
  return async (command, work) => {
    const services = createServices(targetOf(command.opts(), io.env), io);
    try {
      setExitCode(await work(services));
    } finally {
      services.target.close();
    }
  };
}
