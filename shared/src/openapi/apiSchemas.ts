import { zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  blobErrorSchema,
  blobViewSchema,
  boundingBoxSchema,
  callbackStateSchema,
  faceSchema,
  labelDetailSchema,
  modelInfoSchema,
  textLineSchema,
} from '../contract/blob.js';
import { blobIdSchema } from '../contract/blobId/blobId.js';
import { uploadRequestSchema } from '../contract/uploadRequest.js';
import { WEBHOOK_EVENT_TYPES, type WebhookBody } from '../webhooks/buildWebhookBody/buildWebhookBody.js';
import type { ApiErrorCode } from './errorCodes.js';

/*
 * Names for the parts of the blob that clients handle on their own, so that they appear once under components and a
 * generated client gets a type for each. The contract's schemas stay plain zod: the names are added to the very same
 * schema objects here, in the generator's own registry of metadata.
 */
const NAMED_PARTS = [
  [boundingBoxSchema, 'BoundingBox', 'A box as fractions of the image width and height, from its top-left corner.'],
  [labelDetailSchema, 'LabelDetail', 'One label: its lower-case name, confidence 0–100, parents and boxes.'],
  [modelInfoSchema, 'Model', 'The recognizer that produced the results.'],
  [textLineSchema, 'TextLine', 'One line of text, read top to bottom.'],
  [faceSchema, 'Face', 'One face; age_range and emotions (best first) are absent when they cannot be estimated.'],
  [blobErrorSchema, 'BlobError', 'Why recognition failed: a stable code, and whether a new upload may succeed.'],
  [callbackStateSchema, 'Callback', 'The delivery of the webhook to the callback_url.'],
] as const;
for (const [schema, id, description] of NAMED_PARTS) {
  zodToOpenAPIRegistry.add(schema, { _internal: { refId: id }, description });
}

/** The body of `POST /blobs`, as the contract defines it. */
export const uploadRequestBodySchema = uploadRequestSchema.meta({
  id: 'UploadRequest',
  description:
    'Every field is optional, and an empty body (or none) asks for the defaults. Unknown fields are refused.',
});

/** The body of `GET /blobs/{blob_id}`, as the contract defines it. */
export const blobSchema = blobViewSchema.meta({
  id: 'Blob',
  description:
    'A blob as the API last recorded it. labels and label_details are present when labels were requested and found, ' +
    'text and faces when those features were requested; error only when status is failed; callback only when the ' +
    'request gave a callback_url.',
});

/*
 * Schemas of the bodies that have no zod schema in the contract yet, because the services build them with plain
 * types. The end-to-end suite holds the real responses to them.
 */

/** The 201 body of `POST /blobs`. */
export const uploadResponseSchema = z
  .object({
    blob_id: blobIdSchema.meta({ description: 'The id of the new blob: 22 unguessable base64url characters.' }),
    upload_url: z.url().meta({
      description:
        'Where to PUT the image, once, before expires_at. It carries its own signature: send no API key to it. ' +
        'Not an API route: it may be another host (S3 in aws mode).',
    }),
    upload_method: z.literal('PUT'),
    upload_headers: z.record(z.string(), z.string()).meta({
      description:
        'The headers the upload must carry: none by default, Content-Length when the request gave content_length.',
    }),
    expires_at: z.iso.datetime().meta({ description: 'When upload_url stops working; at most 10 minutes away.' }),
    status_url: z.url().meta({ description: 'The URL of GET /blobs/{blob_id} for this blob.' }),
  })
  .meta({ id: 'Upload' });

/** The 200 body of `GET /blobs`. */
export const blobListSchema = z
  .object({
    data: z.array(blobSchema).meta({ description: 'The blobs of this page, newest first, each as GET serves it.' }),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as cursor (with the same status) for the next page; null on the last page.' }),
  })
  .meta({ id: 'BlobList' });

/** The one error body of the API, with `code` narrowed to the codes of one response when they are given. */
export const errorBodySchema = (codes?: readonly [ApiErrorCode, ...ApiErrorCode[]]) =>
  z.object({
    error: z.object({
      code: (codes === undefined ? z.string() : z.enum(codes)).meta({
        description: 'Stable, snake_case: branch on it.',
      }),
      message: z.string().meta({ description: 'For humans; it may change, and never carries internals.' }),
    }),
  });

/** GET /health: ready, or still starting (the local recognizer loads its model at start). */
export const healthSchema = z.object({ status: z.enum(['ok', 'starting']) }).meta({ id: 'Health' });

const webhookBodySchema = (type: WebhookBody['type'], id: string) =>
  z
    .object({
      type: z.literal(type),
      timestamp: z.iso.datetime().meta({ description: "When the outcome happened (the blob's completed_at)." }),
      data: blobSchema,
    })
    .meta({ id, description: 'The GET body of the blob at the moment of the outcome, in data.' });

/** The bodies of the two webhook messages. data.callback.status is still pending: this message is the callback. */
export const webhookBodySchemas = {
  [WEBHOOK_EVENT_TYPES.LabelsDetected]: webhookBodySchema(WEBHOOK_EVENT_TYPES.LabelsDetected, 'LabelsDetectedWebhook'),
  [WEBHOOK_EVENT_TYPES.RecognitionFailed]: webhookBodySchema(
    WEBHOOK_EVENT_TYPES.RecognitionFailed,
    'RecognitionFailedWebhook',
  ),
};

/** What GET /openapi.json serves, described no further than its version: the document itself is the description. */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string() }).meta({ id: 'OpenApiDocument' });
