import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ApiKeyError, ImgrecError, UnavailableError } from '../../errors/index.js';
import type { RouteAuthorizer } from '../runtime/LocalFunctions.js';

/** The value of one identity source (`$request.header.Authorization`, `$request.querystring.key`), if present. */
const identityValue = (source: string, event: APIGatewayProxyEventV2): string | undefined => {
  const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
  if (header !== undefined) return event.headers[header.toLowerCase()];
  const query = /^\$request\.querystring\.(.+)$/.exec(source)?.[1];
  if (query !== undefined) return event.queryStringParameters?.[query];
  return undefined;
};

const isSimpleResponse = (value: unknown): value is { isAuthorized: boolean; context?: Record<string, unknown> } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { isAuthorized?: unknown }).isAuthorized === 'boolean';

/**
 * Runs a route's Lambda REQUEST authorizer as an API Gateway HTTP API does (payload 2.0, simple responses), and
 * returns the context API Gateway would hand the route in `requestContext.authorizer.lambda`. Nothing is cached, so
 * a revoked key stops working at once (API Gateway caches for the authorizer's TTL).
 * @throws ApiKeyError `missing_api_key` when an identity source is absent: API Gateway answers 401 without calling
 *   the authorizer (with its own body; here the contract's). ImgrecError 403 `forbidden` when the authorizer denies.
 *   UnavailableError 503 `auth_unavailable` when the authorizer fails: a failure never lets a request through
 *   (API Gateway answers those with a 500).
 */
export const authorizeRoute = async (
  authorizer: RouteAuthorizer,
  event: APIGatewayProxyEventV2,
): Promise<Record<string, unknown>> => {
  const identity = authorizer.identitySource.map((source) => identityValue(source, event));
  if (identity.some((value) => value === undefined || value === '')) throw new ApiKeyError('missing_api_key');
  const { body: _body, isBase64Encoded: _encoded, ...request } = event;
  const { method, path } = event.requestContext.http;
  let result: unknown;
  try {
    result = await authorizer.invoke({
      ...request,
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${path}`,
      identitySource: identity,
    });
  } catch (cause) {
    throw new UnavailableError('auth_unavailable', 'API keys cannot be checked right now. Try again shortly.', {
      cause,
    });
  }
  if (!isSimpleResponse(result) || !result.isAuthorized) {
    throw new ImgrecError('forbidden', 'This request is not allowed.');
  }
  return result.context ?? {};
};
