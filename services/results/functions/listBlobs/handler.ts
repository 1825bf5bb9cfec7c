import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  BLOB_STATUSES,
  httpErrorHandler,
  jsonResponse,
  readCaller,
  requireCaller,
  ValidationError,
  type BlobStatus,
} from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { listBlobs } from '../../src/listBlobs/listBlobs.js';
import { logger } from '../../src/observability.js';
import type { ResultsDeps } from '../../src/ports.js';
import { resultsRuntime } from '../../src/runtime.js';

export type ListBlobsDeps = Pick<ResultsDeps, 'repository' | 'cursors' | 'now'>;

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

const isBlobStatus = (value: string): value is BlobStatus => (BLOB_STATUSES as readonly string[]).includes(value);

const readStatus = (raw: string | undefined): BlobStatus | undefined => {
  if (raw === undefined || isBlobStatus(raw)) return raw;
  throw new ValidationError('invalid_status', `status must be one of ${BLOB_STATUSES.join(', ')}.`);
};

const readLimit = (raw: string | undefined): number => {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = /^[0-9]{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (limit >= 1 && limit <= MAX_LIMIT) return limit;
  throw new ValidationError('invalid_limit', `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
};

/**
 * GET /blobs: the caller's blobs, newest first, a page at a time (`?status=`, `?limit=` 1–100, default 20,
 * `?cursor=` from the previous page). Bad parameters are refused before anything is read; another tenant's blobs
 * never show, and neither do deleted ones.
 */
export const buildHandler = (deps: () => ListBlobsDeps | Promise<ListBlobsDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorHandler(logger))
    .use(requireCaller(logger))
    .handler(async (event) => {
      const { tenantId } = readCaller(event);
      const query = event.queryStringParameters ?? {};
      const status = readStatus(query.status);
      const limit = readLimit(query.limit);
      const body = await listBlobs(await deps(), {
        tenantId,
        limit,
        ...(status !== undefined && { status }),
        ...(query.cursor !== undefined && { cursor: query.cursor }),
      });
      return jsonResponse(200, body);
    });

export const handler = buildHandler(resultsRuntime);
