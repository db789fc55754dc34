import { type Command, Option } from 'commander';
import { type DeadLetter, DeadLetterQueueReader } from '../aws/dead-letters';
import { type DeadLetterQueue, deadLetterQueues, QUEUE_KINDS, type QueueKind } from '../dlq/queues';
import { CliError, EXIT } from '../errors';
import { progress, say } from '../io';
import type { Services } from '../services';
import { table } from '../views/table';
import type { Runner } from './runner';

const queueOption = () =>
  new Option('--queue <queue>', 'only this queue (default: all of them)').choices([...QUEUE_KINDS]);
const FIFO_NOTE =
  'a FIFO queue hands out one message per group at a time: the others of a group show once those before them are redriven';

export function addDlqCommand(program: Command, run: Runner): void {
  const dlq = program
    .command('dlq')
    .summary('list or redrive given-up work (sync-jobs dead letters, failed full-sync invocations)')
    .description(
      'The queues of given-up work: sync-jobs (jobs failed 5 times, or invalid), full-sync (full-sync invocations ' +
        "that failed after Lambda's retries) and schedule (the weekly schedule's undelivered invocations).",
    );
  dlq
    .command('list')
    .description('what is in each queue: what, why, how many receives, when (left in place)')
    .addOption(queueOption())
    .option('--json', 'machine-readable output')
    .action((options: { queue?: QueueKind; json?: boolean }, command: Command) =>
      run(command, (services) => list(services, options.queue, options.json === true)),
    );
  dlq
    .command('redrive')
    .description(
      'sends messages back: a sync job onto the sync-jobs queue (its message group kept), a full-sync request to ' +
        'the full-sync function (asynchronously, as the schedule invokes it); then deletes them here',
    )
    .argument('[message-ids...]', 'the messages to redrive (as `dlq list` shows them)')
    .addOption(queueOption())
    .option('--all', 'every message')
    .action((ids: string[], options: { queue?: QueueKind; all?: boolean }, command: Command) =>
      run(command, (services) => redrive(services, options.queue, options.all === true, ids)),
    );
}

async function list(services: Services, only: QueueKind | undefined, json: boolean): Promise<number> {
  const { io } = services;
  const listed: { queue: DeadLetterQueue; depth: number; letters: DeadLetter[] }[] = [];
  for (const queue of await deadLetterQueues(services, only)) {
    const depth = await services.queueDepth(queue.url, queue.what);
    const reader = new DeadLetterQueueReader(services.target.clients.sqs, queue.url);
    const letters: DeadLetter[] = [];
    try {
      if (depth > 0) for await (const batch of reader.receiveAll()) letters.push(...batch);
    } finally {
      await reader.release(letters);
    }
    listed.push({ queue, depth, letters });
  }
  if (json) {
    const out = listed.map(({ queue, depth, letters }) => ({
      queue: queue.kind,
      url: queue.url,
      approximateMessages: depth,
      messages: letters.map((letter) => ({
        messageId: letter.messageId,
        sentAt: letter.sentAt.toISOString(),
        receives: letter.receives,
        groupId: letter.groupId ?? null,
        ...queue.describe(letter),
      })),
    }));
    say(io, JSON.stringify(out, null, 2));
    return EXIT.ok;
  }
  for (const { queue, depth, letters } of listed) {
    say(io, `${queue.kind} (${queue.what}): ${letters.length === 0 ? 'empty' : `${letters.length} message(s)`}`);
    if (letters.length === 0) continue;
    const rows = letters.map((letter) => {
      const { what, why } = queue.describe(letter);
      return [letter.messageId, letter.sentAt.toISOString(), String(letter.receives), what, why];
    });
    for (const line of table(['MESSAGE ID', 'SENT', 'RECEIVES', 'WHAT', 'WHY'], rows)) say(io, `  ${line}`);
    if (depth > letters.length) say(io, `  about ${depth - letters.length} more not shown: ${FIFO_NOTE}`);
  }
  return EXIT.ok;
}

async function redrive(services: Services, only: QueueKind | undefined, all: boolean, ids: string[]): Promise<number> {
  const { io } = services;
  if (all === ids.length > 0) throw new CliError('name the messages to redrive, or pass --all (not both)');
  const wanted = new Set(ids);
  const shown = progress(io);
  let total = 0;
  for (const queue of await deadLetterQueues(services, only)) {
    if (!all && wanted.size === 0) break;
    const depth = await services.queueDepth(queue.url, queue.what);
    if (depth === 0) continue;
    const reader = new DeadLetterQueueReader(services.target.clients.sqs, queue.url);
    const held: DeadLetter[] = [];
    let redriven = 0;
    try {
      for await (const batch of reader.receiveAll()) {
        for (const letter of batch) {
          if (!all && !wanted.has(letter.messageId)) {
            held.push(letter);
            continue;
          }
          await queue.redrive(letter);
          await reader.remove(letter);
          wanted.delete(letter.messageId);
          redriven++;
          shown.update(`${queue.kind}: ${redriven} of about ${depth} redriven`);
        }
        if (!all && wanted.size === 0) break;
      }
    } finally {
      await reader.release(held);
      shown.done();
    }
    if (redriven > 0) say(io, `${queue.kind}: redrove ${redriven} message(s)`);
    total += redriven;
  }
  if (wanted.size > 0) {
    say(io, `not found: ${[...wanted].join(', ')} (${FIFO_NOTE})`);
    return EXIT.finding;
  }
  if (total === 0) say(io, 'nothing to redrive: the queues are empty');
  return EXIT.ok;
}
