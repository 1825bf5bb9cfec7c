import { afterEach } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logsPerTest } from './logsPerTest.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers the `index`-th request (0-based); the default answers 204. */
export type Respond = (request: ReceivedRequest, index: number, response: ServerResponse) => void;

export interface TestReceiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 and a free port, recording every request it gets (tests only). */
export const startTestReceiver = async (
  respond: Respond = (_request, _index, response) => response.writeHead(204).end(),
): Promise<TestReceiver> => {
  const requests: ReceivedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      respond(request, requests.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * For the tests of a describe block: `start` starts a receiver that is closed after the test, and the log lines each
 * test writes are captured (see {@link logsPerTest}) (tests only).
 */
export const testReceivers = () => {
  const started: TestReceiver[] = [];
  const logs = logsPerTest();
  afterEach(async () => {
    await Promise.all(started.splice(0).map((receiver) => receiver.close()));
  });
  return {
    start: async (respond?: Respond): Promise<TestReceiver> => {
      const receiver = await startTestReceiver(respond);
      started.push(receiver);
      return receiver;
    },
    logs,
  };
};
