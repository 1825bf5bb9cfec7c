import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  httpErrorHandler,
  isBlobId,
  jsonResponse,
  NotFoundError,
  readCaller,
  requireCaller,
  ValidationError,
} from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../src/observability.js';
import type { ResultsDeps } from '../../src/ports.js';
import { resultsRuntime } from '../../src/runtime.js';

export type GetBlobDeps = Pick<ResultsDeps, 'repository'>;

/**
 * GET /blobs/{blob_id}: the caller's blob, as the results service last recorded it. Another tenant's blob is
 * answered exactly like one that does not exist, so a tenant cannot even learn that an id is taken. Its log lines
 * carry the caller's `tenant_id`, and the `blob_id` asked for once it is one we could have issued.
 */
export const buildHandler = (deps: () => GetBlobDeps | Promise<GetBlobDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorHandler(logger))
    .use(requireCaller(logger))
    .handler(async (event) => {
      const caller = readCaller(event);
      const blobId = event.pathParameters?.blob_id;
      // An id we cannot have issued is a malformed request, answered without touching the table.
      if (!isBlobId(blobId)) {
        throw new ValidationError('invalid_blob_id', 'blob_id must be the 22-character id returned by POST /blobs.');
      }
      logger.appendKeys({ blob_id: blobId });
      const found = await (await deps()).repository.get(blobId);
      if (found === undefined || found.tenantId !== caller.tenantId) {
        throw new NotFoundError('blob_not_found', `No blob has the id ${blobId}.`);
      }
      return jsonResponse(200, found.view);
    });

export const handler = buildHandler(resultsRuntime);
