import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrorHandler, jsonResponse } from '@imgrec/shared';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../src/observability.js';
import type { AccountsDeps } from '../../src/ports.js';
import { accountsRuntime } from '../../src/runtime.js';

export type GetHealthDeps = Pick<AccountsDeps, 'isReady'>;

/**
 * GET /health: 200 `{"status":"ok"}` once the stack can serve requests, until then 503 `{"status":"starting"}`
 * with `Retry-After: 1`, so that a client or a load balancer waits for the model to load. Never cached.
 */
export const buildHandler = (deps: () => GetHealthDeps | Promise<GetHealthDeps>) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrorHandler(logger))
    .handler(async () =>
      (await deps()).isReady()
        ? jsonResponse(200, { status: 'ok' })
        : jsonResponse(503, { status: 'starting' }, { 'retry-after': '1' }),
    );

export const handler = buildHandler(accountsRuntime);
