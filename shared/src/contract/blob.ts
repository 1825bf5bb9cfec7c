import { z } from 'zod';

export const CONTENT_TYPES = ['image/jpeg', 'image/png'] as const;
export type DeclaredContentType = (typeof CONTENT_TYPES)[number];

/**
 * A blob's status as clients see it. `expired` is never stored: it is a blob still `awaiting_upload` whose upload URL
 * has expired, worked out from `expires_at` when the blob is served, so no timer is needed.
 */
export const BLOB_STATUSES = ['awaiting_upload', 'processing', 'succeeded', 'failed', 'expired'] as const;
export type BlobStatus = (typeof BLOB_STATUSES)[number];

export const CALLBACK_STATUSES = ['pending', 'delivered', 'failed'] as const;
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

/**
 * The detectors a client can ask for. `labels` alone is the default, the original API; each one requested adds its
 * field to the GET body (`labels` and `label_details`, `text`, `faces`), and a field not requested is absent.
 */
export const FEATURES = ['labels', 'text', 'faces'] as const;
export type Feature = (typeof FEATURES)[number];
export const DEFAULT_FEATURES: readonly Feature[] = ['labels'];

/**
 * The detectors of a request. Blobs and events from before `features` existed carry none: they asked for labels.
 */
export const requestedFeatures = (options: { features?: readonly Feature[] | undefined }): readonly Feature[] =>
  options.features ?? DEFAULT_FEATURES;

/** The options of a blob as stored and carried on events: `features` is absent on those from before it existed. */
export const recognitionOptionsSchema = z.object({
  min_confidence: z.number().min(0).max(100),
  max_labels: z.number().int().min(1).max(100),
  features: z.array(z.enum(FEATURES)).min(1).optional(),
});

/**
 * The most lines of text and faces one image reports, best placed first: both recognizers stop there, as Rekognition
 * does (DetectText reports at most 100 words, DetectFaces the 100 largest faces), and it keeps an event far from
 * EventBridge's 256 KB.
 */
export const MAX_TEXT_LINES = 100;
export const MAX_FACES = 100;

/** One line of text, read top to bottom; `confidence` 0–100 and the box normalised to the image like label boxes. */
export const textLineSchema = z.object({
  text: z.string().min(1),
  confidence: z.number().min(0).max(100),
  bounding_box: boundingBoxSchema,
});
export type TextLine = z.infer<typeof textLineSchema>;

/** Emotions as Rekognition names them, in lower case like every other name in the contract. */
export const EMOTION_TYPES = [
  'happy',
  'sad',
  'angry',
  'confused',
  'disgusted',
  'surprised',
  'calm',
  'fear',
  'unknown',
] as const;
export type EmotionType = (typeof EMOTION_TYPES)[number];

/**
 * One face. `age_range` and `emotions` (best first) follow Rekognition's AgeRange and Emotions, so a client reads
 * both modes with one piece of code; they are absent when the recognizer cannot estimate them.
 */
export const faceSchema = z.object({
  confidence: z.number().min(0).max(100),
  bounding_box: boundingBoxSchema,
  age_range: z.object({ low: z.number().int().min(0), high: z.number().int().min(0) }).optional(),
  emotions: z.array(z.object({ type: z.enum(EMOTION_TYPES), confidence: z.number().min(0).max(100) })).optional(),
});
export type Face = z.infer<typeof faceSchema>;

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
  last_attempt_at: z.iso.datetime().optional(),
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
  text: z.array(textLineSchema).optional(),
  faces: z.array(faceSchema).optional(),
  // Always echoed in the view, the defaults included (see parseStoredBlobView for views stored before `features`).
  options: recognitionOptionsSchema.extend({ features: z.array(z.enum(FEATURES)).min(1) }),
  error: blobErrorSchema.optional(),
  callback: callbackStateSchema.optional(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  completed_at: z.iso.datetime().optional(),
});
export type BlobView = z.infer<typeof blobViewSchema>;

/**
 * A view as a results store holds it. Views stored before `features` existed have none in their options: they asked
 * for labels, and read as such.
 * @throws ZodError when the stored value is not a view.
 */
export const parseStoredBlobView = (stored: unknown): BlobView => {
  const options = (stored as { options?: { features?: unknown } } | null)?.options;
  const withFeatures =
    typeof options === 'object' && options !== null && options.features === undefined
      ? { ...(stored as object), options: { ...options, features: [...DEFAULT_FEATURES] } }
      : stored;
  return blobViewSchema.parse(withFeatures);
};
