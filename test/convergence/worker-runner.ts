import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { RECORDS_TABLE } from '../../local/aws/names';
import type { Pipeline } from '../../local/pipeline';
import { type InvocationReport, pollOnce, type WorkerHandler } from '../../local/runtime/queue-poller';
import type { FaultInjector } from './faults';
import type { Violation } from './invariants';

export interface RunnerCounts {
  invocations: number;
  crashed: number;
  redelivered: number;
  /** Invocations after which the records table was watched for late writes. */
  lateWriteChecks: number;
}

/**
 * Lambda for the worker, as the suite drives it: one invocation at a time (so a DynamoDB request
 * between two of them can only be a leftover of the one before: the frozen-container check), with
 * the injector's crashes (DynamoDB refuses everything after the crash point; the whole batch goes
 * back to the queue) and redeliveries (a processed message delivered again, as SQS may).
 */
export class WorkerRunner {
  readonly counts: RunnerCounts = { invocations: 0, crashed: 0, redelivered: 0, lateWriteChecks: 0 };
  private lastReturnAt = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly faults: FaultInjector,
    private readonly afterInvocation: () => Promise<void>,
    private readonly report: (violation: Violation) => void,
  ) {}

  /**
   * Up to `max` rounds of `parallel` invocations side by side (Lambda runs several batches at once;
   * FIFO keeps a group in one of them); false when the queue was empty. `short` invocations get just
   * over the time margin, so walks continue in new ones.
   */
  async run(max: number, options: { parallel?: number; short?: boolean } = {}): Promise<boolean> {
    for (let count = 0; count < max; count++) {
      await this.checkNoLateWrites();
      const reports = await Promise.all(
        Array.from({ length: options.parallel ?? 1 }, () => this.invokeOnce(options.short === true)),
      );
      this.lastReturnAt = Date.now();
      if (reports.every((report) => report === undefined)) return false;
      await this.checkNoLateWrites();
      await this.afterInvocation();
      // The invariants read the records table themselves: late writes are looked for from here on.
      this.lastReturnAt = Date.now();
    }
    return true;
  }

  private async invokeOnce(short: boolean): Promise<InvocationReport | undefined> {
    const crashAfter = this.faults.takeCrash();
    let delivered: SQSEvent | undefined;
    const report = await pollOnce({
      sqs: this.pipeline.sqs.client,
      queueUrl: this.pipeline.queueUrl,
      handler: this.handler(crashAfter),
      // The worker keeps 60 s in reserve: a few seconds more let one page through. A crashing invocation
      // is short too: a lease it took lasts until its deadline, which would stall the suite for minutes.
      timeBudgetMs: short || crashAfter !== undefined ? 63_000 : 300_000,
      onInvoke: (event) => {
        delivered = event;
      },
    });
    if (!report) return undefined;
    this.counts.invocations++;
    if (report.crashed) this.counts.crashed++;
    if (delivered && this.faults.takeRedelivery()) await this.redeliver(delivered);
    return report;
  }

  /** Until the queue is empty (bounded: a queue that never drains is a finding). */
  async drain(limit = 400): Promise<void> {
    for (let rounds = 0; rounds < limit; rounds++) if (!(await this.run(1))) return;
    this.report({ invariant: 'queue-drains', detail: `the queue was not empty after ${limit} invocations` });
  }

  private handler(crashAfter: number | undefined): WorkerHandler {
    const worker = this.pipeline.workerHandler;
    if (crashAfter === undefined) return worker;
    return async (event, context) => {
      const kombo = this.pipeline.kombo;
      const start = kombo.requests.length;
      let crashed = false;
      const watch = setInterval(() => {
        if (crashed || kombo.requests.length - start < crashAfter) return;
        crashed = true;
        // The process is gone from here on: nothing it sends reaches DynamoDB.
        this.pipeline.dynamo.rules?.fail({ errorType: 'AccessDeniedException', status: 400, times: Infinity });
      }, 1);
      try {
        await worker(event, context).catch(() => undefined);
      } finally {
        clearInterval(watch);
        if (crashed) this.pipeline.dynamo.rules?.clearFaults();
      }
      throw new Error(`simulated crash after ${crashAfter} Kombo requests`);
    };
  }

  private async redeliver(event: SQSEvent): Promise<void> {
    const record = event.Records[this.counts.redelivered % event.Records.length];
    if (!record) return;
    this.counts.redelivered++;
    await this.pipeline.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: this.pipeline.queueUrl,
        MessageBody: record.body,
        MessageGroupId: record.attributes.MessageGroupId,
        MessageDeduplicationId: `redelivery-${record.messageId}-${this.counts.redelivered}`,
      }),
    );
  }

  /** No request may reach the records table between two invocations: it would be a leftover of the last one. */
  private async checkNoLateWrites(): Promise<void> {
    const rules = this.pipeline.dynamo.rules;
    if (!rules || this.lastReturnAt === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.counts.lateWriteChecks++;
    const late = rules
      .requests()
      .filter((request) => request.table === RECORDS_TABLE && request.at > this.lastReturnAt);
    if (late.length > 0) {
      this.report({
        invariant: 'no-write-after-return',
        detail: `${late.length} records-table request(s) after the invocation returned: ${late.map((request) => request.operation).join(', ')}`,
      });
    }
  }
}
