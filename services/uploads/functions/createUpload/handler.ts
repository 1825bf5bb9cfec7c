import middy from '@middy/core';
import { httpErrorHandler, jsonResponse, readCaller, readJsonBody } from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createUpload, type CreateUploadDeps } from '../../src/createUpload/createUpload.js';
import { uploadsRuntime } from '../../src/runtime.js';
import { parseIdempotencyKey, parseUploadRequest } from '../../src/uploadRequestSchema/uploadRequestSchema.js';

export interface CreateUploadHandlerDeps extends CreateUploadDeps {
  /** Fixed public base URL (local mode); when unset, the API's own domain is used. */
  publicBaseUrl?: string;
}

/**
 * POST /blobs: know the caller, validate at the edge, create the upload, answer 201 (or the replayed 201 of an
 * idempotent retry).
 */
export const buildHandler = (deps: () => CreateUploadHandlerDeps | Promise<CreateUploadHandlerDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrorHandler())
    .handler(async (event) => {
      const caller = readCaller(event);
      const request = parseUploadRequest(readJsonBody(event));
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

export const handler = buildHandler(uploadsRuntime);
