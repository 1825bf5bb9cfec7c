import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ImgrecError } from '../../errors/index.js';
import { httpHeadersOf, httpStatusOf } from '../../http/httpStatus/httpStatus.js';
import type { Logger } from '../../logging/logger.js';
import type { FsBlobStore } from '../blobStore/FsBlobStore.js';
import type { PrometheusMetrics } from '../metrics/prometheusMetrics.js';
import type { HttpRoute } from '../runtime/LocalFunctions.js';
import { apiGatewayEvent } from './apiGatewayEvent.js';
import { authorizeRoute } from './authorizeRoute.js';
import { matchRoute } from './matchRoute.js';

/** API Gateway refuses larger payloads; the JSON API never needs more. */
const MAX_API_BODY_BYTES = 1024 * 1024;

class PayloadTooLargeError extends ImgrecError {
  constructor() {
    super('payload_too_large', 'The request body is too large.');
  }
}

/** The upload endpoint answers a body over the limit as S3 would, with a 413, whereas POST /blobs answers a 400. */
const statusOf = (error: ImgrecError, path: string) =>
  error.code === 'image_too_large' && path.startsWith('/uploads/') ? 413 : httpStatusOf(error.code);

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

const sendError = (
  response: ServerResponse,
  error: ImgrecError,
  status = httpStatusOf(error.code),
  headers: Record<string, string> = {},
) =>
  sendJson(
    response,
    status,
    { error: { code: error.code, message: error.message } },
    { ...httpHeadersOf(error), ...headers },
  );

const sendLambdaResult = (response: ServerResponse, result: APIGatewayProxyStructuredResultV2) => {
  const body = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(body);
};

/** What a page answers to a GET: its bytes and content type, and any header it needs (a Content-Security-Policy). */
export interface PageResponse {
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

/**
 * A page the local server serves itself, without a key, outside the API's routes: the demo page, the API reference
 * and its assets. `path` is exact (`/`), or a prefix when it ends in `/` (`/docs/` serves `/docs/…`).
 */
export interface LocalPage {
  path: string;
  /**
   * The answer to a GET of `path`, or undefined for 404. `fromLoopback` says that the client is on this machine and
   * addressed it by a loopback name, the only case in which a page may show what only the machine's owner may see.
   */
  render(request: {
    path: string;
    fromLoopback: boolean;
  }): PageResponse | undefined | Promise<PageResponse | undefined>;
}

export interface LocalServerOptions {
  port: number;
  host: string;
  routes: readonly HttpRoute[];
  blobStore: FsBlobStore;
  /** The counters `GET /metrics` serves, in Prometheus text format. */
  metrics: PrometheusMetrics;
  /**
   * The host names requests may be addressed to, besides the loopback names: the public URL's host. A request for
   * any other host is refused, so a web page whose domain is made to resolve to this machine (DNS rebinding) cannot
   * reach the API from a victim's browser.
   */
  publicHosts: readonly string[];
  /** Pages served with GET (and HEAD) and no key, besides the API. */
  pages?: readonly LocalPage[];
  /** Connections open at once; more are refused. Default 512. */
  maxConnections?: number;
  log: Logger;
}

/** Names that reach this machine from itself, which a rebinding page cannot put in a browser's Host header. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** The host part of a Host header, lower case, without the port. */
const hostnameOf = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined;
  const host = header.trim().toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
};

/**
 * Answers a refused request whose body was not read, then closes the connection without reading the body: draining
 * an unbounded upload would let a client hold the server. The connection is ended first, so the answer reaches the
 * client, and destroyed a moment later whatever the client still sends.
 */
const closeWithoutReading = (incoming: IncomingMessage, response: ServerResponse) => {
  incoming.pause();
  // Taken now, as Node detaches the socket from the request once the response has finished; it is already null when
  // the client went away mid-body, and then there is nothing left to close.
  const socket = incoming.socket as Socket | null;
  if (socket === null) return;
  response.once('finish', () => {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
};

const isLoopbackAddress = (address: string | undefined) =>
  address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));

const servePage = async (page: LocalPage, incoming: IncomingMessage, response: ServerResponse, path: string) => {
  const method = incoming.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    sendError(response, new ImgrecError('method_not_allowed', 'Use GET.'), 405, { allow: 'GET, HEAD' });
    return;
  }
  const fromLoopback =
    isLoopbackAddress(incoming.socket.remoteAddress) &&
    LOOPBACK_HOSTS.includes(hostnameOf(incoming.headers.host) ?? '');
  const answer = await page.render({ path, fromLoopback });
  if (answer === undefined) {
    sendError(response, new ImgrecError('route_not_found', `Nothing at ${path}.`));
    return;
  }
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  response.writeHead(200, {
    'content-type': answer.contentType,
    'content-length': String(body.byteLength),
    'x-content-type-options': 'nosniff',
    ...answer.headers,
  });
  response.end(method === 'HEAD' ? undefined : body);
};

/**
 * The local stand-in for API Gateway and S3's upload endpoint: one Node HTTP server that turns each request into
 * an API Gateway v2 event for the service handlers, runs a protected route's Lambda authorizer first and hands its
 * context to the handler, as API Gateway does, accepts presigned uploads under `/uploads/{key}`, serves the
 * counters at `GET /metrics` (on AWS, CloudWatch keeps them) and the `pages` it is given.
 * Every request is logged as one JSON line; the query string is never logged, because upload URLs carry signatures.
 */
export const startLocalServer = async (options: LocalServerOptions): Promise<Server> => {
  const { routes, blobStore, log } = options;

  const allowedHosts = new Set([...LOOPBACK_HOSTS, ...options.publicHosts.map((host) => hostnameOf(host))]);

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<string> => {
    const url = new URL(incoming.url ?? '/', 'http://local');
    const method = incoming.method ?? 'GET';

    if (!allowedHosts.has(hostnameOf(incoming.headers.host))) {
      throw new ImgrecError('misdirected_request', 'This server does not answer for that host name.');
    }

    const upload = matchRoute('/uploads/{key}', url.pathname);
    if (upload?.key !== undefined) {
      if (method !== 'PUT') {
        sendError(response, new ImgrecError('method_not_allowed', 'Upload with PUT.'), 405, { allow: 'PUT' });
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

    if (url.pathname === '/metrics') {
      if (method !== 'GET') {
        sendError(response, new ImgrecError('method_not_allowed', 'Use GET.'), 405, { allow: 'GET' });
        return 'metrics';
      }
      response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      response.end(await options.metrics.text());
      return 'metrics';
    }

    const page = (options.pages ?? []).find((candidate) =>
      candidate.path.endsWith('/') && candidate.path !== '/'
        ? url.pathname.startsWith(candidate.path) || url.pathname === candidate.path.slice(0, -1)
        : url.pathname === candidate.path,
    );
    if (page !== undefined) {
      await servePage(page, incoming, response, url.pathname);
      return `page ${page.path}`;
    }

    const candidates = routes
      .map((route) => ({ route, parameters: matchRoute(route.path, url.pathname) }))
      .filter((candidate) => candidate.parameters !== undefined);
    const matched = candidates.find((candidate) => candidate.route.method === method);
    if (!matched?.parameters) {
      if (candidates.length > 0) {
        const allow = candidates.map((candidate) => candidate.route.method).join(', ');
        sendError(response, new ImgrecError('method_not_allowed', `Use ${allow}.`), 405, { allow });
      } else {
        sendError(response, new ImgrecError('route_not_found', `No route for ${method} ${url.pathname}.`));
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
          const status = statusOf(error, new URL(incoming.url ?? '/', 'http://local').pathname);
          if (status >= 500) log.error('request failed', { code: error.code, error });
          if (!response.headersSent) {
            const unread = !incoming.complete;
            if (unread) closeWithoutReading(incoming, response);
            sendError(response, error, status, unread ? { connection: 'close' } : {});
          }
        } else {
          log.error('request failed', { error });
          if (!response.headersSent) {
            sendError(response, new ImgrecError('internal_error', 'The server failed to handle this request.'));
          }
        }
      })
      .finally(() => {
        log.info('request', {
          method: incoming.method,
          path: new URL(incoming.url ?? '/', 'http://local').pathname,
          status: response.statusCode,
          function: target,
          duration_ms: Math.round(performance.now() - started),
        });
      });
  });
  // Explicit limits, so that slow or idle clients cannot hold the server: the headers within 10 s, a whole request
  // (a 15 MB upload on a slow line included) within 2 minutes, an idle keep-alive connection for 5 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5000;
  server.maxConnections = options.maxConnections ?? 512;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
};
