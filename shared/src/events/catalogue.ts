import { z } from 'zod';
import {
  CONTENT_TYPES,
  blobErrorSchema,
  faceSchema,
  labelDetailSchema,
  textLineSchema,
  modelInfoSchema,
  recognitionOptionsSchema,
} from '../contract/blob.js';

/**
 * The event catalogue (see docs/ARCHITECTURE.md, "Services, events, ownership"). Every detail carries `blob_id` plus everything its consumers need, so that no
 * consumer has to call another service: each event alone is enough to build the blob's read model.
 */
export const tenantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const blobFacts = {
  blob_id: z.string().min(1),
  /** The tenant whose API key created the blob: every consumer keeps it, and no tenant sees another's blobs. */
  tenant_id: tenantIdSchema,
  options: recognitionOptionsSchema,
  callback_url: z.string().optional(),
  created_at: z.iso.datetime(),
};

export const eventDetailSchemas = {
  BlobRequested: z.object({
    ...blobFacts,
    content_type: z.enum(CONTENT_TYPES),
    expires_at: z.iso.datetime(),
  }),
  BlobCreated: z.object({
    ...blobFacts,
    key: z.string().min(1),
    size: z.number().int().min(0),
    stored_at: z.iso.datetime(),
  }),
  /** Every requested feature's result, and only those: `labels` and `label_details` are absent without `labels`. */
  LabelsDetected: z.object({
    ...blobFacts,
    labels: z.array(z.string()).optional(),
    label_details: z.array(labelDetailSchema).optional(),
    text: z.array(textLineSchema).optional(),
    faces: z.array(faceSchema).optional(),
    model: modelInfoSchema,
    completed_at: z.iso.datetime(),
  }),
  RecognitionFailed: z.object({
    ...blobFacts,
    error: blobErrorSchema,
    model: modelInfoSchema.optional(),
    completed_at: z.iso.datetime(),
  }),
  /** The blob was deleted: every service forgets it, and whatever arrives for it later is dropped. */
  BlobDeleted: z.object({
    blob_id: z.string().min(1),
    tenant_id: tenantIdSchema,
    deleted_at: z.iso.datetime(),
  }),
  CallbackDelivered: z.object({
    blob_id: z.string().min(1),
    tenant_id: tenantIdSchema,
    webhook_id: z.string().min(1),
    attempts: z.number().int().min(1),
    last_attempt_at: z.iso.datetime(),
    last_status_code: z.number().int(),
  }),
  CallbackFailed: z.object({
    blob_id: z.string().min(1),
    tenant_id: tenantIdSchema,
    webhook_id: z.string().min(1),
    attempts: z.number().int().min(0),
    last_attempt_at: z.iso.datetime().optional(),
    last_status_code: z.number().int().optional(),
  }),
} as const;

export type DetailType = keyof typeof eventDetailSchemas;
export type EventDetail<T extends DetailType> = z.infer<(typeof eventDetailSchemas)[T]>;

/** The service that owns each event type; `source` is always `imgrec.<service>`. */
export const EVENT_SOURCES = {
  BlobRequested: 'imgrec.uploads',
  BlobCreated: 'imgrec.uploads',
  BlobDeleted: 'imgrec.uploads',
  LabelsDetected: 'imgrec.recognition',
  RecognitionFailed: 'imgrec.recognition',
  CallbackDelivered: 'imgrec.webhooks',
  CallbackFailed: 'imgrec.webhooks',
} as const satisfies Record<DetailType, string>;

export type DomainEvent = { [T in DetailType]: { detailType: T; detail: EventDetail<T> } }[DetailType];

/** The EventBridge envelope, as delivered to a rule target. */
export interface BusEvent<T extends DetailType = DetailType> {
  version: '0';
  id: string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  'detail-type': T;
  detail: EventDetail<T>;
}
