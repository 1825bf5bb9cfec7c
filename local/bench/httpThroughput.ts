import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { authorizationOf, createBlob, freePort, type RunningStack } from '../test/harness.js';

const DURATION_S = 8;
const CONNECTIONS = 16;

const requestsPerSecond = async (url: string, headers: Record<string, string>) => {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
};

/**
 * A bare node:http server in a process of its own, answering every request with the given status, headers and
 * body: the ceiling for a server on this machine, with nothing between the socket and the bytes.
 */
const startBareServer = async (
  body: string,
  headers: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> => {
  const port = await freePort();
  const source = `
    const { createServer } = require('node:http');
    const body = Buffer.from(process.env.BODY);
    const headers = { ...JSON.parse(process.env.HEADERS), 'content-length': body.length };
    createServer((request, response) => { request.resume(); response.writeHead(200, headers); response.end(body); })
      .listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', source], {
    env: { PATH: process.env.PATH ?? '', BODY: body, HEADERS: JSON.stringify(headers) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return { url: `http://127.0.0.1:${port}/`, child };
};

/**
 * Requests per second, in one run, of GET /blobs/{id}, GET /blobs?limit=20 and a bare node:http server answering the
 * same bytes as GET /blobs/{id}, each under the same load (16 connections for 8 s, from autocannon in this process).
 */
export const measureHttpThroughput = async (stack: RunningStack) => {
  for (let index = 0; index < 25; index += 1) await createBlob(stack);
  const { blob_id: blobId } = await createBlob(stack);
  const authorization = authorizationOf(stack);
  const sample = await fetch(`${stack.baseUrl}/blobs/${blobId}`, { headers: authorization });
  const body = await sample.text();
  const headers = Object.fromEntries(
    [...sample.headers].filter(([name]) => !['content-length', 'date', 'connection', 'keep-alive'].includes(name)),
  );

  const bare = await startBareServer(body, headers);
  try {
    const getOne = await requestsPerSecond(`${stack.baseUrl}/blobs/${blobId}`, authorization);
    const list = await requestsPerSecond(`${stack.baseUrl}/blobs?limit=20`, authorization);
    const bareServer = await requestsPerSecond(bare.url, {});
    return { getOne, list, bareServer, ratio: getOne / bareServer };
  } finally {
    bare.child.kill();
  }
};
