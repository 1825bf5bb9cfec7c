import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { AuthorizerContext } from '@imgrec/shared';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authorizeApiKey, type AuthorizeApiKeyDeps } from '../../src/authorizeApiKey/authorizeApiKey.js';
import { logger } from '../../src/observability.js';
import { accountsRuntime } from '../../src/runtime.js';

export type AuthorizeRequestDeps = AuthorizeApiKeyDeps;

/**
 * The Lambda REQUEST authorizer of every protected route (payload 2.0, simple responses). It always authorizes and
 * hands the route what it found in the context: the caller's tenant, or why there is none, which the route answers
 * with the contract's 401 (API Gateway would answer a denial with its own 403). A store error fails the invocation,
 * which API Gateway answers with a 500: an authorizer that cannot check a key never lets the request through.
 */
export const buildHandler = (deps: () => AuthorizeRequestDeps | Promise<AuthorizeRequestDeps>) =>
  middy<APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => ({
      isAuthorized: true,
      // API Gateway hands header names over in lower case.
      context: await authorizeApiKey(event.headers?.authorization, await deps()),
    }));

export const handler = buildHandler(accountsRuntime);
