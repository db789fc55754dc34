import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { WorkerConfig } from '../core/config';
import { type KomboClient, komboClientFor } from '../core/kombo/client';
import { FleetRequestBudget } from '../core/kombo/request-budget';
import type { AwsClients } from './aws-clients';
import { DynamoWindowCounter } from './dynamodb/request-window-counter';
import { telemetry } from './powertools';
import { komboApiKey } from './secrets-manager';
import { tracedFetch } from './tracing/traced-fetch';

/** What a function that calls Kombo is configured with (the worker's and the full-sync function's alike). */
export type KomboCallerConfig = Pick<
  WorkerConfig,
  'komboApiUrl' | 'apiKeySecret' | 'requestTimeoutMs' | 'stateTable' | 'requestBudget'
>;

/**
 * The Kombo client of a function, built once per container: its API key from Secrets Manager, its
 * requests traced when the function traces, and every request drawn from the one budget in the
 * state table that every container of every function shares (Kombo limits per API key).
 */
export function functionKomboClient(config: KomboCallerConfig, clients: AwsClients, tracer?: Tracer): KomboClient {
  return komboClientFor({
    baseUrl: config.komboApiUrl,
    apiKey: komboApiKey(config.apiKeySecret, clients.secretsManager),
    requestTimeoutMs: config.requestTimeoutMs,
    telemetry,
    fetch: tracedFetch(tracer),
    budget: new FleetRequestBudget(new DynamoWindowCounter(clients.dynamo, config.stateTable), config.requestBudget, {
      telemetry,
    }),
  });
}
