import * as z from 'zod';

/**
 * Kombo webhook payloads. Objects are lenient (Kombo may add fields at any time); only what we
 * use is required. Enum-like strings stay plain strings so a new value never rejects a webhook.
 */
export const webhookEnvelopeSchema = z.looseObject({
  id: z.string().min(1, 'id must be a non-empty string'),
  type: z.string().min(1, 'type must be a non-empty string'),
  data: z.looseObject({}),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

export const dataChangedDataSchema = z.looseObject({
  integration_id: z.string().min(1),
  integration_tool: z.string(),
  integration_category: z.string(),
  changed_models: z.array(z.looseObject({ name: z.string().min(1) })),
});
export type DataChangedData = z.infer<typeof dataChangedDataSchema>;

const endUserSchema = z.looseObject({
  organization_name: z.string().nullish(),
  creator_email: z.string().nullish(),
  origin_id: z.string().nullish(),
});

export const integrationCreatedDataSchema = z.looseObject({
  id: z.string().min(1),
  tool: z.string().min(1),
  category: z.string().min(1),
  end_user: endUserSchema.nullish(),
});

export const integrationDeletedDataSchema = integrationCreatedDataSchema.extend({
  deleted_at: z.string().nullish(),
});

export const integrationStateChangedDataSchema = z.looseObject({
  integration_id: z.string().min(1),
  integration_tool: z.string().min(1),
  integration_category: z.string().min(1),
  state: z.string().min(1),
  end_user: endUserSchema.nullish(),
  /** When the state changed at Kombo: orders late and retried events. */
  updated_at: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 timestamp')
    .nullish(),
});
