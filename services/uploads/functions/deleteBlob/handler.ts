import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrorHandler, readBlobIdParameter, readCaller, requireCaller } from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { deleteBlob, type DeleteBlobDeps } from '../../src/deleteBlob/deleteBlob.js';
import { logger } from '../../src/observability.js';
import { uploadsRuntime } from '../../src/runtime.js';

/**
 * DELETE /blobs/{blob_id}: deletes one of the caller's blobs, everywhere, and answers 204 with no body. Another
 * tenant's blob is answered exactly like one that does not exist. Its log lines carry the caller's `tenant_id`, and
 * the `blob_id` asked for once it is one we could have issued.
 */
export const buildHandler = (deps: () => DeleteBlobDeps | Promise<DeleteBlobDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorHandler(logger))
    .use(requireCaller(logger))
    .handler(async (event) => {
      const caller = readCaller(event);
      const blobId = readBlobIdParameter(event);
      logger.appendKeys({ blob_id: blobId });
      await deleteBlob({ caller, blobId }, await deps());
      return { statusCode: 204 };
    });

export const handler = buildHandler(uploadsRuntime);
