import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ImgrecError } from '../../errors/index.js';
import type { Logger } from '../../logging/logger.js';
import type { FsBlobStore } from '../blobStore/FsBlobStore.js';
import type { HttpRoute } from '../runtime/LocalFunctions.js';
import { apiGatewayEvent } from './apiGatewayEvent.js';
import { authorizeRoute } from './authorizeRoute.js';
import { matchRoute } from './matchRoute.js';

/** API Gateway refuses larger payloads; the JSON API never needs more. */
const MAX_API_BODY_BYTES = 1024 * 1024;

class PayloadTooLargeError extends ImgrecError {
  constructor() {
    super('payload_too_large', 'The request body is too large.', 413);
  }
}

const readBody = async (incoming: IncomingMessage, limit: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

const sendJson = (
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(statusCode, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
};

const sendError = (response: ServerResponse, error: ImgrecError, headers: Record<string, string> = {}) =>
  sendJson(response, error.statusCode, { error: { code: error.code, message: error.message } }, headers);

const sendLambdaResult = (response: ServerResponse, result: APIGatewayProxyStructuredResultV2) => {
  const body = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(body);
};

export interface LocalServerOptions {
  port: number;
  host: string;
  routes: readonly HttpRoute[];
  blobStore: FsBlobStore;
  log: Logger;
}

/**
 * The local stand-in for API Gateway and S3's upload endpoint: one Node HTTP server that turns each request into
 * an API Gateway v2 event for the service handlers, runs a protected route's Lambda authorizer first and hands its
 * context to the handler, as API Gateway does, and accepts presigned uploads under `/uploads/{key}`.
 * Every request is logged as one JSON line; the query string is never logged, because upload URLs carry signatures.
 */
export const startLocalServer = async (options: LocalServerOptions): Promise<Server> => {
  const { routes, blobStore, log } = options;

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<string> => {
    const url = new URL(incoming.url ?? '/', 'http://local');
    const method = incoming.method ?? 'GET';

    const upload = matchRoute('/uploads/{key}', url.pathname);
    if (upload?.key !== undefined) {
      if (method !== 'PUT') {
        sendError(response, new ImgrecError('method_not_allowed', 'Upload with PUT.', 405), { allow: 'PUT' });
        return 'upload';
      }
      const lengthHeader = incoming.headers['content-length'];
      await blobStore.receiveUpload({
        key: upload.key,
        query: url.searchParams,
        contentType: incoming.headers['content-type'],
        contentLength: lengthHeader === undefined ? undefined : Number(lengthHeader),
        body: incoming,
      });
      response.writeHead(200, { 'content-length': '0' });
      response.end();
      return 'upload';
    }

    const candidates = routes
      .map((route) => ({ route, parameters: matchRoute(route.path, url.pathname) }))
      .filter((candidate) => candidate.parameters !== undefined);
    const matched = candidates.find((candidate) => candidate.route.method === method);
    if (!matched?.parameters) {
      if (candidates.length > 0) {
        const allow = candidates.map((candidate) => candidate.route.method).join(', ');
        sendError(response, new ImgrecError('method_not_allowed', `Use ${allow}.`, 405), { allow });
      } else {
        sendError(response, new ImgrecError('route_not_found', `No route for ${method} ${url.pathname}.`, 404));
      }
      return 'none';
    }
    const body = await readBody(incoming, MAX_API_BODY_BYTES);
    const routeKey = `${matched.route.method} ${matched.route.path}`;
    const event = apiGatewayEvent({ incoming, url, routeKey, pathParameters: matched.parameters, body });
    if (matched.route.authorizer) {
      event.requestContext = {
        ...event.requestContext,
        authorizer: { lambda: await authorizeRoute(matched.route.authorizer, event) },
      } as typeof event.requestContext;
    }
    sendLambdaResult(response, (await matched.route.invoke(event)) as APIGatewayProxyStructuredResultV2);
    return matched.route.functionName;
  };

  const server = createServer((incoming, response) => {
    const started = performance.now();
    let target = 'none';
    handle(incoming, response)
      .then((name) => (target = name))
      .catch((error: unknown) => {
        if (error instanceof ImgrecError) {
          if (!response.headersSent) {
            sendError(response, error, { ...error.headers, ...(error.statusCode === 413 && { connection: 'close' }) });
          }
        } else {
          log.error('request failed', { error });
          if (!response.headersSent) {
            sendError(response, new ImgrecError('internal_error', 'The server failed to handle this request.', 500));
          }
        }
      })
      .finally(() => {
        // A refused upload leaves an unread body; draining it lets the client read our answer.
        incoming.resume();
        log.info('request', {
          method: incoming.method,
          path: new URL(incoming.url ?? '/', 'http://local').pathname,
          status: response.statusCode,
          function: target,
          duration_ms: Math.round(performance.now() - started),
        });
      });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
};
