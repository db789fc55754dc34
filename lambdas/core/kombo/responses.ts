import * as z from 'zod';

/**
 * Kombo's response bodies. The envelope is checked strictly, because a page we misread could make
 * us skip data; a record only needs `id` and `changed_at`, and every other field is kept verbatim.
 */
const isoTimestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 timestamp');

export const komboRecordSchema = z.looseObject({
  id: z.string().min(1),
  changed_at: isoTimestamp,
  remote_id: z.string().nullish(),
  remote_deleted_at: isoTimestamp.nullish(),
});
export type KomboRecord = z.infer<typeof komboRecordSchema>;

export const pageEnvelopeSchema = z.object({
  status: z.literal('success'),
  data: z.looseObject({
    next: z.string().min(1).nullable(),
    results: z.array(komboRecordSchema),
  }),
});

export const errorEnvelopeSchema = z.looseObject({
  status: z.literal('error'),
  error: z.looseObject({
    code: z.string().nullish(),
    title: z.string().nullish(),
    message: z.string().nullish(),
  }),
});

/** `GET /v1/integrations/{id}`: strict on what decides something, loose on everything else. */
export const integrationEnvelopeSchema = z.object({
  status: z.literal('success'),
  data: z.looseObject({
    id: z.string().min(1),
    tool: z.looseObject({ id: z.string().min(1) }),
    category: z.string().min(1),
    status: z.string().min(1),
    setup_status: z.string().min(1),
    end_user: z.looseObject({ origin_id: z.string().nullish() }).nullish(),
    data_expired_at: isoTimestamp.nullish(),
    read_models: z.array(z.looseObject({ id: z.string().min(1), is_available: z.boolean() })),
  }),
});
