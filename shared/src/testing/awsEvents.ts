import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** The Lambda context AWS hands the function `imgrec-<service>-dev-<name>` (tests only). */
export const lambdaContextOf = (service: string, name: string): Context => {
  const functionName = `imgrec-${service}-dev-${name}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: '6f1d3c3e-0d5e-4a53-8f3c-3f1b8a7c2d10',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export interface HttpApiRequest {
  /** `POST /blobs`, `GET /blobs/{blob_id}`…: the route key. */
  routeKey: string;
  /** The path as sent, e.g. `/blobs/q1Xw3-_9ZkLmNoPqRsTuVw`. */
  path: string;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** What the API key authorizer handed the route: a caller, or a refusal. */
  authorizer?: Record<string, unknown>;
}

/**
 * The event API Gateway HTTP API (payload format 2.0) sends a route, as it sends it: lower-case headers, the decoded
 * path parameters, and the authorizer's context under requestContext.authorizer.lambda (tests only).
 */
export const httpApiEvent = (request: HttpApiRequest): APIGatewayProxyEventV2 => {
  const [method = 'GET'] = request.routeKey.split(' ');
  const query = new URLSearchParams(request.queryStringParameters ?? {}).toString();
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.path,
    rawQueryString: query,
    headers: {
      accept: 'application/json',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      'x-forwarded-proto': 'https',
      ...request.headers,
    },
    ...(request.queryStringParameters && { queryStringParameters: request.queryStringParameters }),
    ...(request.pathParameters && { pathParameters: request.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'Jc9kLh1ZjoEEMbQ=',
      routeKey: request.routeKey,
      stage: '$default',
      time: '27/Nov/2026:12:05:00 +0000',
      timeEpoch: 1795867500000,
      ...(request.authorizer && { authorizer: { lambda: request.authorizer } }),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(request.body !== undefined && { body: request.body }),
    isBase64Encoded: false,
  };
};
