import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  httpErrorHandler,
  jsonResponse,
  NotFoundError,
  readBlobIdParameter,
  readCaller,
  requireCaller,
} from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../src/observability.js';
import type { ResultsDeps } from '../../src/ports.js';
import { presentBlobView } from '../../src/presentBlobView/presentBlobView.js';
import { resultsRuntime } from '../../src/runtime.js';

export type GetBlobDeps = Pick<ResultsDeps, 'repository' | 'now'>;

/**
 * GET /blobs/{blob_id}: the caller's blob, as the results service last recorded it. Another tenant's blob is
 * answered exactly like one that does not exist, so a tenant cannot even learn that an id is taken; so are a deleted
 * blob and one whose record retention has passed. A blob whose upload URL expired unused is served as `expired`. Its
 * log lines carry the caller's `tenant_id`, and the `blob_id` asked for once it is one we could have issued.
 */
export const buildHandler = (deps: () => GetBlobDeps | Promise<GetBlobDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorHandler(logger))
    .use(requireCaller(logger))
    .handler(async (event) => {
      const caller = readCaller(event);
      const blobId = readBlobIdParameter(event);
      logger.appendKeys({ blob_id: blobId });
      const { repository, now } = await deps();
      const at = now();
      const found = await repository.get(blobId, at);
      if (found === undefined || found.tenantId !== caller.tenantId) {
        throw new NotFoundError('blob_not_found', `No blob has the id ${blobId}.`);
      }
      return jsonResponse(200, presentBlobView(found, at));
    });

export const handler = buildHandler(resultsRuntime);
