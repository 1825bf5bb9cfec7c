import { z } from 'zod';
import { CONTENT_TYPES, FEATURES } from './blob.js';
import { IMAGE_LIMITS } from './labels.js';

/**
 * The body of `POST /blobs` (see docs/ARCHITECTURE.md). Every field is optional and an unknown field is refused, so a
 * client's typo never silently falls back to a default.
 */
export const uploadRequestSchema = z.strictObject({
  callback_url: z.string().min(1).max(2048).optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  min_confidence: z.number().min(0).max(100).optional(),
  max_labels: z.number().int().min(1).max(100).optional(),
  content_length: z.number().int().min(1).max(IMAGE_LIMITS.maxBytes).optional(),
  features: z
    .array(z.enum(FEATURES))
    .min(1)
    .refine((features) => new Set(features).size === features.length)
    .optional(),
});

export type UploadRequest = z.infer<typeof uploadRequestSchema>;
