import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  httpErrorHandler,
  jsonBody,
  jsonResponse,
  publishMetrics,
  readCaller,
  requireCaller,
  type EventWithJsonBody,
  type RuntimeMode,
} from '@imgrec/shared';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { uploadsConfig } from '../../src/config.js';
import { createUpload, type CreateUploadDeps } from '../../src/createUpload/createUpload.js';
import { emf, logger } from '../../src/observability.js';
import type { UploadsDeps } from '../../src/ports.js';
import { uploadsRuntime } from '../../src/runtime.js';
import { parseIdempotencyKey, parseUploadRequest } from '../../src/uploadRequestSchema/uploadRequestSchema.js';

export type CreateUploadHandlerDeps = CreateUploadDeps & Pick<UploadsDeps, 'publicBaseUrl'>;

/**
 * POST /blobs: know the caller, validate at the edge, create the upload, answer 201 (or the replayed 201 of an
 * idempotent retry). Its log lines carry the caller's `tenant_id`, and the `blob_id` once there is one.
 */
export const buildHandler = (
  deps: () => CreateUploadHandlerDeps | Promise<CreateUploadHandlerDeps>,
  mode: RuntimeMode,
) =>
  middy<EventWithJsonBody, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics(emf, mode))
    .use(httpErrorHandler(logger))
    .use(requireCaller(logger))
    .use(jsonBody())
    .handler(async (event) => {
      const caller = readCaller(event);
      const request = parseUploadRequest(event.body);
      const idempotencyKey = parseIdempotencyKey(event.headers['idempotency-key']);
      const wiring = await deps();
      const { response, replayed } = await createUpload(
        {
          caller,
          request,
          idempotencyKey,
          apiBaseUrl: wiring.publicBaseUrl ?? `https://${event.requestContext.domainName}`,
        },
        wiring,
      );
      return jsonResponse(201, response, {
        location: response.status_url,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    });

export const handler = buildHandler(uploadsRuntime, uploadsConfig().mode);
