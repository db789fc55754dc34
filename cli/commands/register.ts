import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import * as z from 'zod';
import { invokeFullSync } from '../aws/full-sync-function';
import { CliError, EXIT } from '../errors';
import { progress, say } from '../io';
import type { Services } from '../services';
import { table } from '../views/table';
import type { Runner } from './runner';

/** Ids per invocation: each is looked up with Kombo, paced under its rate limit, well inside the function's 15 minutes. */
const IDS_PER_INVOCATION = 200;

const answerSchema = z.object({
  runId: z.string(),
  results: z.array(z.object({ id: z.string(), result: z.string(), reason: z.string().optional() })),
});

export function addRegisterCommand(program: Command, run: Runner): void {
  program
    .command('register')
    .summary('register existing integrations in bulk (migration from sync-finished)')
    .description(
      'Registers integrations the stack has not seen yet, through the full-sync function ({"register": [ids…]}): ' +
        'each is looked up with Kombo and answered registered (its backfill is enqueued), inactive, already ' +
        'registered, not found, deleted or failed. Idempotent. Exit code 1 if any was not found or failed.',
    )
    .argument('[ids...]', 'integration ids')
    .option('--file <file>', 'a file with one integration id per line (# starts a comment)')
    .action((ids: string[], options: { file?: string }, command: Command) =>
      run(command, (services) => register(services, [...ids, ...(options.file ? idsInFile(options.file) : [])])),
    );
}

function idsInFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

async function register(services: Services, given: string[]): Promise<number> {
  const { io } = services;
  const ids = [...new Set(given)];
  if (ids.length === 0) throw new CliError('no integration ids: name them, or pass --file ids.txt');
  const functionName = await services.target.resource('fullSyncFunction');
  const results: z.infer<typeof answerSchema>['results'] = [];
  const shown = progress(io);
  for (let start = 0; start < ids.length; start += IDS_PER_INVOCATION) {
    shown.update(`registering: ${start} of ${ids.length} done`);
    const answer = answerSchema.safeParse(
      await invokeFullSync(services.target.clients.lambda, functionName, {
        register: ids.slice(start, start + IDS_PER_INVOCATION),
      }),
    );
    if (!answer.success)
      throw new CliError('the full-sync function answered something other than registration results');
    results.push(...answer.data.results);
  }
  shown.done();
  for (const line of table(
    ['INTEGRATION', 'RESULT', 'REASON'],
    results.map((result) => [result.id, result.result, result.reason ?? '']),
  ))
    say(io, line);
  const counts = new Map<string, number>();
  for (const { result } of results) counts.set(result, (counts.get(result) ?? 0) + 1);
  say(io, `\n${[...counts].map(([result, count]) => `${count} ${result}`).join(', ')}`);
  return counts.has('failed') || counts.has('not found') ? EXIT.finding : EXIT.ok;
}
