import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isBlobId } from '../../contract/blobId/blobId.js';
import { ValidationError } from '../../errors/index.js';

/**
 * The `{blob_id}` of a `/blobs/{blob_id}` route. An id we cannot have issued is a malformed request, refused here so
 * the route answers it without touching a table.
 */
export const readBlobIdParameter = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const blobId = event.pathParameters?.blob_id;
  if (!isBlobId(blobId)) {
    throw new ValidationError('invalid_blob_id', 'blob_id must be the 22-character id returned by POST /blobs.');
  }
  return blobId;
};
