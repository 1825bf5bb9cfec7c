import middy from '@middy/core';
import { httpErrorHandler, jsonResponse, NotFoundError, ValidationError } from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ResultsRepository } from '../../src/ports.js';
import { resultsRuntime } from '../../src/runtime.js';

// Every blob_id the uploads service issues: 16 random bytes in base64url without padding.
const BLOB_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface GetBlobDeps {
  repository: ResultsRepository;
}

/** GET /blobs/{blob_id}: the blob's read model, as the results service last recorded it. */
export const buildHandler = (deps: () => GetBlobDeps | Promise<GetBlobDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrorHandler())
    .handler(async (event) => {
      const blobId = event.pathParameters?.blob_id;
      // An id we cannot have issued is a malformed request, answered without touching the table.
      if (blobId === undefined || !BLOB_ID_PATTERN.test(blobId)) {
        throw new ValidationError('invalid_blob_id', 'blob_id must be the 22-character id returned by POST /blobs.');
      }
      const view = await (await deps()).repository.get(blobId);
      if (view === undefined) throw new NotFoundError('blob_not_found', `No blob has the id ${blobId}.`);
      return jsonResponse(200, view);
    });

export const handler = buildHandler(resultsRuntime);
