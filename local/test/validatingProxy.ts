import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildResponseValidator, type ObservedResponse, type ResponseValidator } from './openapiValidator.js';

/**
 * Headers that describe one connection, not the message, and so are not passed on by a proxy. Without the client's
 * `Connection: keep-alive`, each upstream connection (one per request) closes after its answer; kept open, hundreds
 * of them lingered until the server's idle timeout and filled its connection cap under load.
 */
const HOP_BY_HOP = new Set(['connection', 'expect', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

const forwardedHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

/** The most of a refused request's body the proxy reads and throws away before it drops the connection. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/**
 * The server answered before it read the whole request (a refused upload) and closes its connection. Closing the
 * client's connection as well while the client is still sending would reset it, often before the client has read
 * the answer: on loopback, unlike the server's own socket, the proxy has kept reading. So the proxy stops passing
 * the body on, reads the rest of it and throws it away (up to a bound), and keeps the client's connection open
 * meanwhile: the client reads the answer as it would from the server.
 */
const draining = new WeakSet<IncomingMessage>();
const drainRefusedBody = (incoming: IncomingMessage) => {
  incoming.unpipe();
  if (draining.has(incoming)) return;
  draining.add(incoming);
  let drained = 0;
  incoming.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAINED_BYTES) incoming.socket.destroy();
  });
  incoming.resume();
};

/** Raw headers without `Connection`, whose `close` would make Node close the client's connection (mid-body, too). */
const withoutConnection = (rawHeaders: string[]) =>
  rawHeaders.flatMap((value, index) =>
    index % 2 === 0 && value.toLowerCase() !== 'connection' ? [value, rawHeaders[index + 1] ?? ''] : [],
  );

export interface ValidatingProxy {
  url: string;
  violations: string[];
  close(): Promise<void>;
}

/**
 * A reverse proxy on a free loopback port in front of `upstreamPort`, which passes every request on unchanged (its
 * Host header included, so the server applies its own host check and URLs to it) and checks every response against
 * the API description with `validator`, recording what does not match. Requests and answers are streamed both
 * ways, so uploads go through as they would without the proxy.
 */
export const startValidatingProxy = async (
  upstreamPort: number,
  validator: ResponseValidator = buildResponseValidator(),
  onViolation: (violation: string) => void = () => undefined,
): Promise<ValidatingProxy> => {
  const violations: string[] = [];
  const record = (response: ObservedResponse) => {
    for (const problem of validator.check(response)) {
      const body = response.body.toString().slice(0, 300);
      const violation = `${response.method} ${response.path} → ${response.status}: ${problem} (body ${body})`;
      violations.push(violation);
      onViolation(violation);
    }
  };

  const proxy = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const path = new URL(incoming.url ?? '/', 'http://proxy').pathname;

    const pass = (answer: IncomingMessage) => {
      const refusedEarly = !incoming.complete;
      if (refusedEarly) drainRefusedBody(incoming);
      // The upstream connection's own `Connection` header is not the client's: the client's connection stays open
      // as a server's would (refused uploads included).
      outgoing.writeHead(answer.statusCode ?? 502, withoutConnection(answer.rawHeaders));
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => {
        if (!path.startsWith('/uploads/')) chunks.push(chunk);
      });
      answer.pipe(outgoing);
      answer.on('end', () => {
        if (method !== 'HEAD') {
          record({
            method,
            path,
            status: answer.statusCode ?? 0,
            headers: answer.headers,
            body: Buffer.concat(chunks),
          });
        }
      });
      answer.on('aborted', () => outgoing.destroy());
    };

    const ask = (withBody: boolean) => {
      const upstream = httpRequest(
        // A new connection per request: a kept-alive one that the server times out could fail a request at random.
        {
          host: '127.0.0.1',
          port: upstreamPort,
          method,
          path: incoming.url,
          headers: forwardedHeaders(incoming.headers),
          agent: false,
          timeout: 10_000,
        },
        pass,
      );
      upstream.on('timeout', () => upstream.destroy());
      upstream.on('error', () => {
        if (outgoing.headersSent) return;
        // The server refused the request from its headers (a refused upload) and closed the connection while the
        // body was still being passed on, and Node drops an answer that races a failed write. A refusal from the
        // headers is given again for the headers alone, so they are sent once more without the body, and the
        // client gets that answer. Without a Content-Length that would be an empty body: the client sees the
        // connection drop instead.
        if (withBody && incoming.headers['content-length'] !== undefined) {
          drainRefusedBody(incoming);
          ask(false);
        } else {
          incoming.socket.destroy();
        }
      });
      if (withBody) incoming.pipe(upstream);
      else upstream.end();
    };
    ask(true);
  });
  const port = await new Promise<number>((resolveListen, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', () => {
      const address = proxy.address();
      resolveListen(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    violations,
    close: () =>
      new Promise((resolveClose) => {
        proxy.close(() => resolveClose());
        proxy.closeAllConnections();
      }),
  };
};

// As a process of its own (see spawnValidatingProxy in harness.ts): `validatingProxy.ts <upstream port>` prints
// {"url"} once it listens, then {"violation"} for each response that does not match, one JSON object a line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const print = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const proxy = await startValidatingProxy(Number(process.argv[2]), buildResponseValidator(), (violation) =>
    print({ violation }),
  );
  print({ url: proxy.url });
  const exit = () => void proxy.close().then(() => process.exit(0));
  process.once('SIGTERM', exit);
  // The test process holds the other end of stdin: when it dies without stopping the proxy, so does the proxy.
  process.stdin.once('end', exit).resume();
}
