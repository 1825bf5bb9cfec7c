import middy from '@middy/core';
import { httpErrorHandler, jsonResponse, NotFoundError, readCaller, ValidationError } from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ResultsRepository } from '../../src/ports.js';
import { resultsRuntime } from '../../src/runtime.js';

// Every blob_id the uploads service issues: 16 random bytes in base64url without padding.
const BLOB_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface GetBlobDeps {
  repository: ResultsRepository;
}

/**
 * GET /blobs/{blob_id}: the caller's blob, as the results service last recorded it. Another tenant's blob is
 * answered exactly like one that does not exist, so a tenant cannot even learn that an id is taken.
 */
export const buildHandler = (deps: () => GetBlobDeps | Promise<GetBlobDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrorHandler())
    .handler(async (event) => {
      const caller = readCaller(event);
      const blobId = event.pathParameters?.blob_id;
      // An id we cannot have issued is a malformed request, answered without touching the table.
      if (blobId === undefined || !BLOB_ID_PATTERN.test(blobId)) {
        throw new ValidationError('invalid_blob_id', 'blob_id must be the 22-character id returned by POST /blobs.');
      }
      const found = await (await deps()).repository.get(blobId);
      if (found === undefined || found.tenantId !== caller.tenantId) {
        throw new NotFoundError('blob_not_found', `No blob has the id ${blobId}.`);
      }
      return jsonResponse(200, found.view);
    });

export const handler = buildHandler(resultsRuntime);
