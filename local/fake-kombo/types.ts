/**
 * Public types of the fake Kombo API. The fake plays Kombo's side for tests, benchmarks and
 * local runs, so nothing here depends on the project's own Kombo client code.
 */

export type Category = 'ATS' | 'HRIS' | 'LMS';

/**
 * What the integration's state makes the list endpoints answer (see `integration-errors.ts`).
 * The integration endpoint shows it as `status` (SETUP_SYNC_PENDING: ACTIVE with `setup_status`
 * FINAL_SYNC_PENDING).
 */
export type IntegrationState = 'ACTIVE' | 'INACTIVE' | 'INVALID' | 'SETUP_SYNC_PENDING';

export interface IntegrationInput {
  readonly id: string;
  /** Defaults to the id's prefix before `:` (e.g. `personio` for `personio:abc`), else `sandbox`. */
  readonly tool?: string;
  readonly category: Category;
  readonly state?: IntegrationState;
  /** `end_user.origin_id`, the id the customer passed to Kombo's connection flow. Default `origin-<id>`. */
  readonly originId?: string | null;
  /** `end_user.organization_name`. Default `Organization <id>`. */
  readonly organizationName?: string;
}

export interface Integration {
  readonly id: string;
  readonly tool: string;
  readonly category: Category;
  readonly state: IntegrationState;
  readonly originId: string | null;
  readonly organizationName: string;
  /** ISO; the fake's clock when the integration was added. */
  readonly createdAt: string;
  /** ISO, or null (the default) while the synced data is valid. */
  readonly dataExpiredAt: string | null;
  /** Read model ids (e.g. `hris_employees`) turned off with `setReadModelAvailable`. */
  readonly unavailableReadModels: readonly string[];
}

/**
 * One record as the API returns it. Records are replaced, never mutated, on every change, so a
 * record handed out earlier stays a snapshot of that moment.
 */
export interface FakeRecord {
  readonly id: string;
  readonly remote_id: string | null;
  readonly changed_at: string;
  readonly remote_deleted_at: string | null;
  readonly [field: string]: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v1/ats/applications`. */
  readonly path: string;
  /**
   * Catalogue resource name (e.g. `ats/applications`), `integrations` for
   * `GET /v1/integrations/{id}`, or null when the path names no endpoint.
   */
  readonly resource: string | null;
  /** Every query parameter as sent (for a repeated one, which the fake rejects, the last value). */
  readonly query: Readonly<Record<string, string>>;
  /** From `X-Integration-Id`, or the path's id for the integration endpoint. */
  readonly integrationId: string | null;
  /** HTTP status sent; 0 while no answer has been sent (e.g. a request held by a `timeout` fault). */
  status: number;
  /** The fake's clock, in epoch milliseconds, when the request arrived. */
  readonly at: number;
  /** The fake's clock when the answer was sent (after any latency fault); null while none was. */
  answeredAt: number | null;
  /** Kind of the fault that shaped the answer, if any. */
  fault: Fault['kind'] | null;
}

/**
 * Which requests a fault affects. Every given property must match, so a fault without `match`
 * hits the integration endpoint too.
 */
export interface FaultMatch {
  /** A list resource (e.g. `ats/applications`), or `integrations` for `GET /v1/integrations/{id}`. */
  readonly resource?: string;
  /** `X-Integration-Id`, or the path's id for the integration endpoint. */
  readonly integrationId?: string;
  /**
   * 1-based page within a walk: page 1 is the request without a cursor. The integration endpoint
   * has no pages, so a fault naming a page never hits it.
   */
  readonly page?: number;
  /** How many matching requests it affects, default 1. `Infinity` keeps it until `clearFaults()`. */
  readonly times?: number;
}

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly code?: string; readonly match?: FaultMatch }
  | {
      readonly kind: 'rate-limit';
      readonly resetSeconds: number;
      /** Also send `Retry-After` (Kombo documents only the `ratelimit-*` headers). */
      readonly retryAfterSeconds?: number;
      readonly match?: FaultMatch;
    }
  /** Accepts the request and never answers; `close()` ends it. */
  | { readonly kind: 'timeout'; readonly match?: FaultMatch }
  /** Answers 200 with this raw body. */
  | { readonly kind: 'malformed'; readonly body: string; readonly match?: FaultMatch }
  /** Waits, then answers normally (another matching fault may still apply). */
  | { readonly kind: 'latency'; readonly ms: number; readonly match?: FaultMatch }
  /** Answers 400 PLATFORM.INPUT_INVALID to a request that carries a cursor. */
  | { readonly kind: 'reject-cursor'; readonly match?: FaultMatch };

/**
 * How a list filtered by `ids` answers when an id is unknown. Kombo's current spec says nothing
 * (the fake omits them, `omit`); an older doc version says 404 (`not-found`); `input-invalid`
 * (400) covers an API that treats it as bad input. A sync must cope with all three.
 */
export type UnknownIdsAnswer = 'omit' | 'not-found' | 'input-invalid';

export interface RateLimitOptions {
  readonly limit: number;
  readonly windowMs: number;
}

export interface FakeKomboOptions {
  /** Default `test-api-key`; requests need `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** Seed of the deterministic data generation (same seed and calls → same data and ids). Default 1. */
  readonly seed?: number;
  /** Per API key, fixed windows. Default 10,000 requests per 60 s. */
  readonly rateLimit?: RateLimitOptions;
  /** The fake's notion of now: record timestamps, `updated_after`, rate-limit windows, request times. */
  readonly clock?: () => Date;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Answer to a list whose `ids` filter names unknown ids; default `omit`. See `UnknownIdsAnswer`. */
  readonly unknownIds?: UnknownIdsAnswer;
}

export interface WebhookDelivery {
  readonly status: number;
  readonly body: string;
  readonly eventId: string;
}

export interface DataChangedInput {
  readonly url: string;
  readonly secret: string;
  readonly integrationId: string;
  readonly changedModels: readonly string[];
  readonly eventId?: string;
}

export interface WebhookInput {
  readonly url: string;
  readonly secret: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly eventId?: string;
}

export interface RecordsOptions {
  readonly includeDeleted?: boolean;
}

export interface FakeKombo {
  /** E.g. `http://127.0.0.1:PORT/v1`; clients append `/ats/applications`. */
  readonly baseUrl: string;
  /** E.g. `http://127.0.0.1:PORT/_admin`, the HTTP mirror of the methods below. */
  readonly adminUrl: string;
  readonly apiKey: string;
  /** The per-key rate limit it enforces. */
  readonly rateLimit: RateLimitOptions;
  close(): Promise<void>;

  addIntegration(input: IntegrationInput): void;
  setIntegrationState(id: string, state: IntegrationState): void;
  /**
   * Turns a read model (e.g. `hris_employees`, see `readModelId`) of the integration's category
   * off or on: `is_available` on the integration endpoint, and its list endpoint answers
   * INTEGRATION.MODEL_NOT_AVAILABLE while off.
   */
  setReadModelAvailable(integrationId: string, modelId: string, available: boolean): void;
  /** Sets `data_expired_at` of the integration endpoint (any date `Date.parse` reads, kept as ISO). */
  setDataExpiredAt(integrationId: string, iso: string | null): void;
  /**
   * Deletes the integration and its records: every endpoint then answers 404
   * PLATFORM.INTEGRATION_NOT_FOUND for it, like for an id that never existed.
   */
  removeIntegration(integrationId: string): void;

  seed(integrationId: string, resource: string, count: number): FakeRecord[];
  create(integrationId: string, resource: string, overrides?: Record<string, unknown>): FakeRecord;
  /** Applies the patch, bumps `changed_at` and the record's "updated" marker. */
  update(integrationId: string, resource: string, id: string, patch?: Record<string, unknown>): FakeRecord;
  /**
   * Nested data changed: matches `updated_after` again, `changed_at` stays (Kombo semantics). With a
   * patch, the answer's nested data changes too (e.g. an employee's employments).
   */
  touchNested(integrationId: string, resource: string, id: string, patch?: Record<string, unknown>): void;
  /** A scope change: `field` leaves every record of the resource, `changed_at` stays. */
  dropField(integrationId: string, resource: string, field: string): void;
  /** Sets `remote_deleted_at` and `changed_at` to now; hidden unless `include_deleted=true`. */
  remove(integrationId: string, resource: string, id: string): FakeRecord;
  /** The record disappears from every answer without a `remote_deleted_at`: only a full sync notices. */
  vanish(integrationId: string, resource: string, id: string): void;
  /** Current truth in API order, for assertions. */
  records(integrationId: string, resource: string, opts?: RecordsOptions): FakeRecord[];

  /** Every API request (not the admin ones), oldest first. */
  readonly requests: RecordedRequest[];
  resetRequests(): void;

  injectFault(fault: Fault): void;
  clearFaults(): void;

  /**
   * Switches how a list filtered by `ids` answers unknown ids, from the next request on. A
   * soft-deleted record is known; a vanished one is unknown.
   */
  setUnknownIdsAnswer(answer: UnknownIdsAnswer): void;

  sendDataChanged(input: DataChangedInput): Promise<WebhookDelivery>;
  sendWebhook(input: WebhookInput): Promise<WebhookDelivery>;
}
