import type { IntegrationRegistry, JobQueue, Telemetry } from '../ports';

export interface WebhookResponse {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
  /** The integration a verified event is about, when it names one: for the function's trace, never the answer. */
  readonly integrationId?: string;
}

export interface WebhookDependencies {
  readonly webhookSecrets: () => Promise<readonly string[]>;
  readonly queue: JobQueue;
  readonly registry: Pick<IntegrationRegistry, 'register' | 'setState' | 'markDeleted'>;
  readonly syncResources: ReadonlySet<string>;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
}

export const reply = (statusCode: number, body: Record<string, unknown>): WebhookResponse => ({ statusCode, body });
export const failure = (statusCode: number, error: string): WebhookResponse => reply(statusCode, { error });
