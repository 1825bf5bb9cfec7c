import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildImgrecClient } from '../src/client/createImgrecClient/createImgrecClient.js';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}
export interface Answer {
  /** Close the connection without answering, as a server closing a kept-alive socket does. */
  drop?: boolean;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A stand-in for the API on 127.0.0.1 that answers from a script: aws mode's timing (a 404 right after POST) and a
 * throttled GET cannot be produced by the local stack on demand.
 */
export const startFakeApi = async (answer: (request: Seen, index: number) => Answer) => {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      seen.push(entry);
      const { drop, status, body, headers } = answer(entry, seen.length - 1);
      if (drop) {
        request.socket.destroy();
        return;
      }
      response.writeHead(status, { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    client: buildImgrecClient({ apiUrl: url, apiKey: 'imgrec_sk_test' }, {}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
