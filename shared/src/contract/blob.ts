import { z } from 'zod';

export const CONTENT_TYPES = ['image/jpeg', 'image/png'] as const;
export type DeclaredContentType = (typeof CONTENT_TYPES)[number];

/**
 * A blob's status as clients see it. `expired` is never stored: it is a blob still `awaiting_upload` whose upload URL
 * has expired, worked out from `expires_at` when the blob is served, so no timer is needed.
 */
export const BLOB_STATUSES = ['awaiting_upload', 'processing', 'succeeded', 'failed', 'expired'] as const;
export type BlobStatus = (typeof BLOB_STATUSES)[number];

export const CALLBACK_STATUSES = ['none', 'pending', 'delivered', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export const boundingBoxSchema = z.object({
  left: z.number(),
  top: z.number(),
  width: z.number(),
  height: z.number(),
});

/**
 * The most instances (boxes) a label keeps, best first: every box of a crowd could outgrow EventBridge's 256 KB event
 * limit. Both recognizers apply it; the schema does not, so views stored before the bound still read.
 */
export const MAX_INSTANCES_PER_LABEL = 10;

export const labelDetailSchema = z.object({
  name: z.string().min(1),
  confidence: z.number().min(0).max(100),
  parents: z.array(z.string()),
  instances: z.array(z.object({ confidence: z.number().min(0).max(100), bounding_box: boundingBoxSchema })),
});

export const modelInfoSchema = z.object({
  provider: z.enum(['rekognition', 'local']),
  name: z.string(),
  version: z.string(),
});

export const recognitionOptionsSchema = z.object({
  min_confidence: z.number().min(0).max(100),
  max_labels: z.number().int().min(1).max(100),
});

export const blobErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
});
export type BlobError = z.infer<typeof blobErrorSchema>;

export const callbackStateSchema = z.object({
  url: z.string(),
  status: z.enum(CALLBACK_STATUSES),
  attempts: z.number().int().min(0),
  last_attempt_at: z.string().optional(),
  last_status_code: z.number().int().optional(),
});
export type CallbackState = z.infer<typeof callbackStateSchema>;

/** The body of `GET /blobs/{blob_id}` (see docs/ARCHITECTURE.md), also the `data` of every webhook message. */
export const blobViewSchema = z.object({
  blob_id: z.string(),
  status: z.enum(BLOB_STATUSES),
  labels: z.array(z.string()).optional(),
  label_details: z.array(labelDetailSchema).optional(),
  model: modelInfoSchema.optional(),
  options: recognitionOptionsSchema,
  error: blobErrorSchema.optional(),
  callback: callbackStateSchema.optional(),
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().optional(),
});
export type BlobView = z.infer<typeof blobViewSchema>;
