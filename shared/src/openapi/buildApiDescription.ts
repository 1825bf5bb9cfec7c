import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { BLOB_STATUSES } from '../contract/blob.js';
import { blobIdSchema } from '../contract/blobId/blobId.js';
import { IMAGE_LIMITS } from '../contract/labels.js';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/buildWebhookBody/buildWebhookBody.js';
import {
  blobListSchema,
  blobSchema,
  errorBodySchema,
  healthSchema,
  uploadRequestBodySchema,
  uploadResponseSchema,
  openApiDocumentSchema,
  webhookBodySchemas,
} from './apiSchemas.js';
import {
  ERROR_CODE_MEANINGS,
  ERROR_CODES_OF_OPERATION,
  errorCodesByStatus,
  type ApiErrorCode,
  type OperationId,
} from './errorCodes.js';

/** The version of the contract the document describes: v1, the only one. */
const API_VERSION = '1.0.0';

const API_DESCRIPTION = `An asynchronous image recognition API.

1. \`POST /blobs\` returns a \`blob_id\` and a presigned \`upload_url\`.
2. PUT the JPEG or PNG to \`upload_url\`.
3. Read \`GET /blobs/{blob_id}\` until its status is final, and/or receive a signed webhook at \`callback_url\`.

Every \`/blobs\` request needs an API key, sent as \`Authorization: Bearer imgrec_sk_…\`. All bodies are JSON, and
every error has the body \`{"error": {"code", "message"}}\`: branch on \`code\`, which is stable. A request that reaches
no operation is answered 404 \`route_not_found\`, or 405 \`method_not_allowed\` with an \`Allow\` header when the path
exists with other methods.

The server URL is relative: the API is served from the host this document was fetched from.`;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'The request is invalid.',
  401: 'No API key, or one that is not valid.',
  404: 'Not found.',
  409: 'Conflict.',
  413: 'The request body is too large.',
  415: 'The request body is not JSON.',
  421: 'Misdirected request.',
  429: 'Too many requests.',
  500: 'The server failed.',
  503: 'Unavailable for now.',
};

/** Headers some error statuses always carry. */
const ERROR_HEADERS: Readonly<Record<number, ResponseConfig['headers']>> = {
  401: z.object({
    'WWW-Authenticate': z.literal('Bearer').meta({ description: 'The credentials to send: a bearer API key.' }),
  }),
  429: z.object({
    'Retry-After': z
      .string()
      .regex(/^[0-9]+$/)
      .meta({ description: 'Seconds until the quota starts afresh, at the next midnight UTC.' }),
  }),
};

const asNonEmpty = (codes: ApiErrorCode[]) => codes as [ApiErrorCode, ...ApiErrorCode[]];

/** The error responses of an operation, one per status, each listing its codes and restricting `error.code` to them. */
const errorResponses = (operation: OperationId): Record<string, ResponseConfig> =>
  Object.fromEntries(
    errorCodesByStatus(ERROR_CODES_OF_OPERATION[operation]).map(([status, codes]) => [
      String(status),
      {
        description: `${STATUS_TEXT[status] ?? 'Error.'}\n\n${codes
          .map((code) => `- \`${code}\`: ${ERROR_CODE_MEANINGS[code]}`)
          .join('\n')}`,
        ...(ERROR_HEADERS[status] !== undefined && { headers: ERROR_HEADERS[status] }),
        content: { 'application/json': { schema: errorBodySchema(asNonEmpty(codes)) } },
      },
    ]),
  );

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

const blobIdParameter = z.object({
  blob_id: blobIdSchema.meta({
    description: 'The blob_id POST /blobs returned.',
    param: { description: 'The blob_id POST /blobs returned.' },
    example: 'Pk3bX0q8TzKy9nR2mW4vAg',
  }),
});

const BLOBS_TAG = 'blobs';
const SERVICE_TAG = 'service';

const buildRegistry = (): OpenAPIRegistry => {
  const registry = new OpenAPIRegistry();
  const apiKey = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'imgrec_sk_<43 or more base64url characters>',
    description:
      'An API key of your tenant, shown once when it is created (`npm run admin -- keys create <tenant_id>`; in local ' +
      "mode the first start writes the dev tenant's key to `<data dir>/dev-api-key`).",
  });
  const keyed = [{ [apiKey.name]: [] }];

  registry.registerPath({
    method: 'post',
    path: '/blobs',
    operationId: 'createBlob',
    tags: [BLOBS_TAG],
    summary: 'Create a blob and get the URL to upload its image to',
    description:
      'Creates a blob awaiting its image and returns a presigned `upload_url`. Then upload the JPEG or PNG with ' +
      '`upload_method` (PUT) to `upload_url`, sending exactly `upload_headers` and no API key, for example ' +
      '`curl "$upload_url" --upload-file photo.jpg`. The upload URL is not an API route: it answers 200 on success, ' +
      `409 when the blob was already uploaded, 403 when it expired or its signature does not match, and 413 past ` +
      `${IMAGE_LIMITS.maxBytes} bytes. The format is read from the bytes, whatever content_type declared. Once the ` +
      'image is stored, recognition runs, and its outcome is announced to `callback_url` (see the webhooks).',
    security: keyed,
    request: {
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .min(1)
          .max(255)
          .regex(/^[\x21-\x7e]+$/)
          .optional()
          .meta({
            description:
              'Makes retries safe: the same key with the same body from the same tenant within 24 hours returns ' +
              'the same blob (with `Idempotent-Replayed: true`); with another body, 409 `idempotency_key_reused`.',
          }),
      }),
      body: { required: false, content: json(uploadRequestBodySchema) },
    },
    responses: {
      201: {
        description: 'The blob exists, awaiting its upload.',
        headers: z.object({
          Location: z.string().meta({ description: 'The status_url of the blob.' }),
          'Idempotent-Replayed': z
            .literal('true')
            .optional()
            .meta({ description: 'Present when this answers a repeated Idempotency-Key: no new blob was created.' }),
        }),
        content: json(uploadResponseSchema),
      },
      ...errorResponses('createBlob'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/blobs',
    operationId: 'listBlobs',
    tags: [BLOBS_TAG],
    summary: "List the caller's blobs, newest first",
    description:
      "A page of the calling tenant's blobs, newest first, each as `GET /blobs/{blob_id}` serves it. Follow " +
      '`next_cursor` until it is null; blobs created meanwhile cause neither duplicates nor gaps. Receivers use it to ' +
      'reconcile after missed webhooks.',
    security: keyed,
    request: {
      query: z.object({
        status: z
          .enum(BLOB_STATUSES)
          .optional()
          .meta({ param: { description: 'Only blobs with this status.' } }),
        limit: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(20)
          .meta({ param: { description: 'The most blobs in the page.' } }),
        cursor: z
          .string()
          .optional()
          .meta({ param: { description: 'The next_cursor of the previous page, sent with the same status.' } }),
      }),
    },
    responses: {
      200: { description: 'One page of blobs.', content: json(blobListSchema) },
      ...errorResponses('listBlobs'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/blobs/{blob_id}',
    operationId: 'getBlob',
    tags: [BLOBS_TAG],
    summary: 'Get a blob and its recognition results',
    description:
      'The blob as last recorded: `awaiting_upload` until its image is stored, then `processing`, then `succeeded` ' +
      'or `failed`; `expired` when the upload URL expired unused. Poll after the upload. In aws mode a blob may ' +
      'answer 404 for a moment (normally well under a second) right after POST.',
    security: keyed,
    request: { params: blobIdParameter },
    responses: {
      200: { description: 'The blob.', content: json(blobSchema) },
      ...errorResponses('getBlob'),
    },
  });

  registry.registerPath({
    method: 'delete',
    path: '/blobs/{blob_id}',
    operationId: 'deleteBlob',
    tags: [BLOBS_TAG],
    summary: 'Delete a blob everywhere',
    description:
      'Deletes the image and every record of the blob within a minute, and cancels its pending callback. ' +
      'Afterwards GET and DELETE answer 404.',
    security: keyed,
    request: { params: blobIdParameter },
    responses: {
      204: { description: 'Deleted.' },
      ...errorResponses('deleteBlob'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tags: [SERVICE_TAG],
    summary: 'Whether the API can serve requests',
    description: 'Needs no API key. Never cached.',
    security: [],
    responses: {
      200: { description: 'Ready.', content: json(healthSchema) },
      503: {
        description: 'Still starting (the local recognizer loads its model); retry after Retry-After seconds.',
        headers: z.object({
          'Retry-After': z
            .string()
            .regex(/^[0-9]+$/)
            .meta({ description: 'Seconds.' }),
        }),
        content: json(healthSchema),
      },
      ...errorResponses('getHealth'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getApiDescription',
    tags: [SERVICE_TAG],
    summary: 'This API description',
    description: 'The OpenAPI 3.1 document of the API. Needs no API key.',
    security: [],
    responses: {
      200: {
        description: 'The OpenAPI document.',
        content: json(openApiDocumentSchema),
      },
      ...errorResponses('getApiDescription'),
    },
  });

  const webhookHeaders = z.object({
    'webhook-id': z.string().meta({
      description: 'The id of the message, the same on every retry of it: drop a message whose id you have seen.',
      example: 'msg_2KWPBgLlAfxdpx2AI54pPJ',
    }),
    'webhook-timestamp': z
      .string()
      .regex(/^[0-9]+$/)
      .meta({ description: 'When this attempt was sent, in Unix seconds.', example: '1764244800' }),
    'webhook-signature': z.string().meta({
      description:
        'Space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">` signatures, one per ' +
        'active secret of the tenant (two while a secret is rotated). Verify it with any Standard Webhooks library and ' +
        "the tenant's `whsec_…` secret.",
      example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    }),
  });
  const WEBHOOK_DESCRIPTION =
    'Sent to the callback_url of the blob as a Standard Webhooks 1.0 message. A 2xx answer is success; anything ' +
    'else (3xx included: redirects are never followed), or no answer within 10 s, is retried after 5 s, 5 min, ' +
    '30 min, 2 h, 5 h, 10 h and 10 h, with jitter, honouring Retry-After; a 410 stops the retries.';
  for (const [type, summary] of [
    [WEBHOOK_EVENT_TYPES.LabelsDetected, 'Recognition succeeded'],
    [WEBHOOK_EVENT_TYPES.RecognitionFailed, 'Recognition failed'],
  ] as const) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: type === WEBHOOK_EVENT_TYPES.LabelsDetected ? 'labelsDetectedWebhook' : 'recognitionFailedWebhook',
      tags: [BLOBS_TAG],
      summary,
      description: WEBHOOK_DESCRIPTION,
      security: [],
      request: {
        headers: webhookHeaders,
        body: { required: true, content: json(webhookBodySchemas[type]) },
      },
      responses: {
        200: { description: 'Received (any 2xx).' },
        410: { description: 'Gone: stop sending this message.' },
      },
    });
  }
  return registry;
};

/** The OpenAPI document, as a plain JSON-ready object. */
export type ApiDescription = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * The OpenAPI 3.1 description of the API, generated from the zod schemas that validate its requests and responses.
 * The same code gives the same document, so the copy in docs/openapi.json can be checked against it.
 */
export const buildApiDescription = (): ApiDescription =>
  new OpenApiGeneratorV31(buildRegistry().definitions, { sortComponents: 'alphabetically' }).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'imgrec',
      version: API_VERSION,
      description: API_DESCRIPTION,
    },
    // Relative, so the one document is right for every host that serves it (local, API Gateway, a custom domain).
    servers: [{ url: '/' }],
    tags: [
      { name: BLOBS_TAG, description: 'Images to recognise and their results.' },
      { name: SERVICE_TAG, description: 'The service itself.' },
    ],
  });

/** The document as docs/openapi.json holds it and GET /openapi.json serves it: 2-space JSON and a final newline. */
export const apiDescriptionJson = (): string => `${JSON.stringify(buildApiDescription(), null, 2)}\n`;
