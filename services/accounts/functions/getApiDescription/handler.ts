import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrorHandler, once } from '@imgrec/shared';
import { apiDescriptionJson } from '@imgrec/shared/openapi';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../src/observability.js';

/**
 * GET /openapi.json: the OpenAPI 3.1 description of the API, with no key: the document docs/openapi.json holds for
 * the deployed code. It changes only with a deploy, so clients may keep it a few minutes.
 */
export const buildHandler = (description: () => string) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorHandler(logger))
    .handler(async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
      body: description(),
    }));

// Generated on the first request of a cold start, not at import, and kept: the document never changes in a process.
export const handler = buildHandler(once(apiDescriptionJson));
