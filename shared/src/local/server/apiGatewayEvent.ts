import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * The API Gateway HTTP API (payload v2.0) event for a local request, so the same handlers run in both modes.
 * Headers are lower-cased and repeated headers joined with commas, as API Gateway does.
 */
export const apiGatewayEvent = (request: {
  incoming: IncomingMessage;
  url: URL;
  routeKey: string;
  pathParameters: Record<string, string>;
  body: Buffer;
}): APIGatewayProxyEventV2 => {
  const { incoming, url } = request;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const isText = request.body.length === 0 || /json|text/.test(headers['content-type'] ?? 'application/json');
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(request.pathParameters).length > 0 ? request.pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${incoming.httpVersion}`,
        sourceIp: incoming.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: request.body.length === 0 ? undefined : request.body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: !isText,
  };
};
