import type { Pipeline } from '../../local/pipeline';
import type { SeededRandom } from './random';

/** A webhook Kombo would send: data-changed or a lifecycle event, sent again as the same event on retry. */
export interface Webhook {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly eventId: string;
  /** Called once the endpoint accepted it (e.g. integration-deleted delivered). */
  readonly onDelivered?: () => void;
}

export interface CourierCounts {
  sent: number;
  lost: number;
  duplicated: number;
  delayed: number;
  delivered: number;
}

/**
 * Kombo's webhook delivery as the suite lets it misbehave: each webhook may be lost, delivered
 * twice, or held back a few steps (so later ones overtake it). An answer other than 200 is retried
 * at the next step, as Kombo retries.
 */
export class Courier {
  readonly counts: CourierCounts = { sent: 0, lost: 0, duplicated: 0, delayed: 0, delivered: 0 };
  private pending: { webhook: Webhook; dueStep: number }[] = [];
  private step = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly random: SeededRandom,
  ) {}

  /** Hands a webhook to Kombo's delivery; `reliable` ones are neither lost nor held (the healing at the end). */
  send(webhook: Webhook, options: { chaos: boolean }): void {
    this.counts.sent++;
    if (options.chaos && this.random.chance(0.1)) {
      this.counts.lost++;
      return;
    }
    const delay = options.chaos && this.random.chance(0.25) ? this.random.int(1, 4) : 0;
    if (delay > 0) this.counts.delayed++;
    this.pending.push({ webhook, dueStep: this.step + delay });
    if (options.chaos && this.random.chance(0.15)) {
      this.counts.duplicated++;
      this.pending.push({ webhook, dueStep: this.step + this.random.int(0, 3) });
    }
  }

  /** Delivers what is due, in a shuffled order; moves to the next step. */
  async deliverDue(): Promise<void> {
    const due = this.pending.filter((entry) => entry.dueStep <= this.step);
    this.pending = this.pending.filter((entry) => entry.dueStep > this.step);
    for (let index = due.length - 1; index > 0; index--) {
      const other = this.random.int(0, index);
      [due[index], due[other]] = [due[other] as (typeof due)[number], due[index] as (typeof due)[number]];
    }
    for (const entry of due) await this.deliver(entry.webhook);
    this.step++;
  }

  /** Everything still held back, delivered now (lost ones stay lost). */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      for (const entry of this.pending) entry.dueStep = this.step;
      await this.deliverDue();
    }
  }

  private async deliver(webhook: Webhook): Promise<void> {
    const { status } = await this.pipeline.kombo.sendWebhook({
      url: this.pipeline.webhook.url,
      secret: this.pipeline.webhookSecret,
      type: webhook.type,
      data: webhook.data,
      eventId: webhook.eventId,
    });
    if (status !== 200) {
      // Kombo retries a webhook that was not answered 200.
      this.pending.push({ webhook, dueStep: this.step + 1 });
      return;
    }
    this.counts.delivered++;
    webhook.onDelivered?.();
  }
}
